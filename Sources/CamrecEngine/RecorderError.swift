/// Errors of the recording engine.
public enum RecorderError: Error, CustomStringConvertible {
    case writeFailed(path: String, reason: String)

    public var description: String {
        switch self {
        case let .writeFailed(path, reason):
            let sentence = reason.hasSuffix(".") ? reason : reason + "."
            return "recording \(path) stopped early: \(sentence) Everything recorded before the error is kept: "
                + "`camrec info \(path)` shows it."
        }
    }
}
