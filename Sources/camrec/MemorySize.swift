import ArgumentParser
import Foundation

/// A memory size on the command line (`--max-memory 64MiB`): a whole number with an optional
/// unit, KiB/MiB/GiB (also K/M/G; 1024-based) or kB/MB/GB (1000-based); a bare number is MiB.
struct MemorySize: ExpressibleByArgument, Sendable, CustomStringConvertible {
    var bytes: Int
    /// As it was written, for messages.
    var text: String

    static let units: [(suffix: String, factor: Int)] = [
        ("kib", 1 << 10), ("mib", 1 << 20), ("gib", 1 << 30), ("kb", 1000), ("mb", 1_000_000), ("gb", 1_000_000_000),
        ("k", 1 << 10), ("m", 1 << 20), ("g", 1 << 30), ("b", 1),
    ]

    init(bytes: Int, text: String) {
        self.bytes = bytes
        self.text = text
    }

    init?(argument: String) {
        let lowered = argument.trimmingCharacters(in: .whitespaces).lowercased()
        var factor = 1 << 20
        var digits = Substring(lowered)
        for unit in Self.units where lowered.hasSuffix(unit.suffix) {
            factor = unit.factor
            digits = lowered.dropLast(unit.suffix.count)
            break
        }
        // Whole numbers only: no sign, no fraction, no exponent, no NaN; overflow is refused.
        guard !digits.isEmpty, digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber), let count = Int(digits) else {
            return nil
        }
        let product = count.multipliedReportingOverflow(by: factor)
        guard !product.overflow else { return nil }
        bytes = product.partialValue
        text = argument
    }

    var description: String { text }
}
