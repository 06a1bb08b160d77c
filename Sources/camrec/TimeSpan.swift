import ArgumentParser
import Foundation

/// A span of time on the command line (`--post 5s`, `--ring 500ms`, `--max-duration 2h`): a
/// number with a unit, ms, s, min or h; a bare number is seconds. From 1 ms to 1e6 hours, so it
/// converts to Int64 nanoseconds without overflow.
struct TimeSpan: ExpressibleByArgument, Sendable, Equatable, CustomStringConvertible {
    var nanoseconds: Int64
    /// As it was written, for messages.
    var text: String

    static let units: [(suffix: String, seconds: Double)] = [("ms", 1e-3), ("min", 60), ("h", 3600), ("s", 1)]
    static let rangeText = "from 1 ms to 1000000 h"

    init(nanoseconds: Int64, text: String) {
        self.nanoseconds = nanoseconds
        self.text = text
    }

    init?(argument: String) {
        let lowered = argument.trimmingCharacters(in: .whitespaces).lowercased()
        var factor = 1.0
        var digits = Substring(lowered)
        for unit in Self.units where lowered.hasSuffix(unit.suffix) {
            factor = unit.seconds
            digits = lowered.dropLast(unit.suffix.count)
            break
        }
        // Digits and one point only: no sign, exponent, NaN or infinity.
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }),
              let value = Double(digits.trimmingCharacters(in: .whitespaces)) else { return nil }
        let seconds = value * factor
        guard seconds.isFinite, seconds >= 0.001, seconds <= 3.6e9,
              let nanoseconds = Int64(exactly: (seconds * 1e9).rounded()) else { return nil }
        self.nanoseconds = nanoseconds
        text = argument
    }

    var seconds: Double { Double(nanoseconds) / 1e9 }
    var description: String { text }
}
