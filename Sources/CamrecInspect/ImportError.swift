#if canImport(Glibc)
import Glibc
#endif

/// What can go wrong importing another tool's capture into a recording. Each case names the file
/// and says what was wrong and what to do.
public enum ImportError: Error, CustomStringConvertible, Sendable {
    /// The input file could not be read.
    case unreadable(path: String, errno: Int32)
    /// The input is not what its type says (a bad y4m header, a frame header that is not 'Vhdr').
    case malformed(path: String, offset: Int64, reason: String)
    /// The format given (or found) is not one camrec can lay out.
    case unsupportedFormat(String, remedy: String)
    /// Writing or verifying the new recording failed.
    case recording(path: String, reason: String)

    public var description: String {
        switch self {
        case let .unreadable(path, errno):
            return "cannot read \(path): \(String(cString: strerror(errno))) (errno \(errno))"
        case let .malformed(path, offset, reason):
            return "\(path) at byte \(offset): \(reason)"
        case let .unsupportedFormat(format, remedy):
            return "cannot import \(format): \(remedy)"
        case let .recording(path, reason):
            return "cannot write the recording \(path): \(reason)"
        }
    }
}
