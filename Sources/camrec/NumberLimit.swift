import ArgumentParser

/// The range a number given on the command line must lie in, checked in `validate()` before any
/// arithmetic uses it. NaN, infinities, negative, zero and huge values are refused with the range
/// and what was given, instead of trapping later in a conversion such as `Int64(seconds * 1e9)`.
/// Its `text` also goes in the option's help, which ArgumentParser repeats when a value does not
/// even parse (99999999999999999999 for an Int).
struct NumberLimit<Value: Comparable & Sendable & CustomStringConvertible>: Sendable {
    /// "--chunk-duration".
    var option: String
    var range: ClosedRange<Value>
    /// "seconds", "MiB"; empty for plain counts and factors.
    var unit: String
    /// When the upper end is only the type's own limit: the text says "1 or more".
    var openEnded = false

    /// "from 0.001 to 86400 seconds", or "1 or more".
    var text: String {
        let unitText = unit.isEmpty ? "" : " " + unit
        return openEnded ? "\(Self.format(range.lowerBound)) or more\(unitText)"
            : "from \(Self.format(range.lowerBound)) to \(Self.format(range.upperBound))\(unitText)"
    }

    func check(_ value: Value) throws(ValidationError) {
        guard range.contains(value) else {
            throw ValidationError("\(option) must be \(text), not \(Self.format(value)).")
        }
    }

    func check(_ value: Value?) throws(ValidationError) {
        if let value { try check(value) }
    }

    /// Whole numbers without a fraction ("86400", not "86400.0"); others as Swift prints them
    /// ("0.001", "1e+30", "nan", "inf").
    static func format(_ value: Value) -> String {
        if let double = value as? Double, double.isFinite, double == double.rounded(), abs(double) < 1e15 {
            return String(Int64(double))
        }
        return value.description
    }
}

extension NumberLimit where Value: FixedWidthInteger {
    /// `lowerBound` or more, up to what the type holds.
    init(option: String, atLeast lowerBound: Value, unit: String = "") {
        self.init(option: option, range: lowerBound...Value.max, unit: unit, openEnded: true)
    }
}

/// Seconds (or milliseconds) given on the command line as whole nanoseconds: nil when the product
/// does not fit an Int64, which a value its `NumberLimit` accepted never does.
func nanoseconds(_ value: Double, per unit: Double) -> Int64? {
    Int64(exactly: (value * unit).rounded())
}
