import ArgumentParser
import CamrecStore

/// An inclusive range typed as `A..B`, `A..` or `..B` (or a single value `A`), for
/// `--sequence` and `--time`.
struct RangeArgument<Bound: Comparable & LosslessStringConvertible>: ExpressibleByArgument {
    var lower: Bound?
    var upper: Bound?

    init?(argument: String) {
        let text = argument.trimmingCharacters(in: .whitespaces)
        if let separator = text.range(of: "..") {
            let left = String(text[..<separator.lowerBound])
            let right = String(text[separator.upperBound...])
            lower = left.isEmpty ? nil : Bound(left)
            upper = right.isEmpty ? nil : Bound(right)
            if (!left.isEmpty && lower == nil) || (!right.isEmpty && upper == nil) { return nil }
            if left.isEmpty && right.isEmpty { return nil }
        } else {
            guard let value = Bound(text) else { return nil }
            lower = value
            upper = value
        }
        if let lower, let upper, lower > upper { return nil }
    }

    static var defaultCompletionKind: CompletionKind { .default }
}

import Foundation

extension RangeArgument where Bound == Double {
    /// A `--time` range (seconds from `zero`, the recording's first buffer) as buffer timestamps in
    /// nanoseconds; `zero` comes from the index, so the sums saturate rather than overflow.
    func timestamps(from zero: Int64) -> ClosedRange<Int64> {
        func timestamp(_ seconds: Double) -> Int64 {
            zero.saturatingAdding(nanoseconds(seconds, per: 1e9) ?? (seconds < 0 ? .min : .max))
        }
        let lower = self.lower.map(timestamp) ?? Int64.min
        let upper = self.upper.map(timestamp) ?? Int64.max
        return lower...max(lower, upper)
    }
}
