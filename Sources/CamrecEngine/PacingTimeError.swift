/// Why a replay cannot pace a recording: its timestamps (from the index, which a damaged or
/// edited recording can make anything) put a deadline outside what CLOCK_MONOTONIC nanoseconds
/// can hold. Reported instead of trapping in the arithmetic.
public struct PacingTimeError: Error, CustomStringConvertible, Sendable {
    public var what: String

    public var description: String {
        "cannot pace the replay: \(what) is out of range of 64-bit nanoseconds; the recording's timestamps are "
            + "too far apart (check them with `camrec frames`, `camrec verify`), or replay --as-fast-as-possible"
    }

    /// `value` (nanoseconds) as a whole Int64, or this error naming `what`; NaN and infinity fail too.
    static func nanoseconds(_ value: Double, _ what: String) throws(PacingTimeError) -> Int64 {
        guard let whole = Int64(exactly: value.rounded(.down)) else { throw PacingTimeError(what: what) }
        return whole
    }

    /// `result` of an overflow-reporting operation, or this error naming `what`.
    static func checked(_ result: (partialValue: Int64, overflow: Bool), _ what: String) throws(PacingTimeError) -> Int64 {
        guard !result.overflow else { throw PacingTimeError(what: what) }
        return result.partialValue
    }
}
