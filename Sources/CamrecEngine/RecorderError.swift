/// Errors of the recording engine.
public enum RecorderError: Error, CustomStringConvertible {
    case writeFailed(path: String, reason: String)
    /// `--max-memory` leaves too little for the pipeline after what the process holds at the start.
    case memoryCeilingTooLow(ceiling: Int, resident: Int, allowance: Int, needed: Int)

    public var description: String {
        switch self {
        case let .writeFailed(path, reason):
            let sentence = reason.hasSuffix(".") ? reason : reason + "."
            return "recording \(path) stopped early: \(sentence) Everything recorded before the error is kept: "
                + "`camrec info \(path)` shows it."
        case let .memoryCeilingTooLow(ceiling, resident, allowance, needed):
            func mebibytes(_ bytes: Int) -> Int { (bytes + (1 << 20) - 1) >> 20 }
            return "--max-memory \(mebibytes(ceiling)) MiB is too low: camrec already holds \(mebibytes(resident)) MiB "
                + "(runtime, the source's buffers, \(mebibytes(allowance)) MiB kept for the index and allocator), and its "
                + "pipeline needs at least \(mebibytes(needed)) MiB for two buffers of every stream. "
                + "Give --max-memory \(mebibytes(resident + allowance + needed)) MiB or more, or record smaller frames."
        }
    }
}
