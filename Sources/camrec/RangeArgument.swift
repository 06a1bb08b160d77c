import ArgumentParser

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
