/// Everything that can go wrong reading or writing a recording. Each case names the file it
/// concerns and, where the system said so, the errno; `description` adds what to do.
public enum StoreError: Error, CustomStringConvertible, Sendable {
    /// A system call on a file failed.
    case io(operation: String, path: String, errno: Int32)
    /// The output exists and `--force` was not given.
    case outputExists(path: String)
    /// The path does not exist.
    case notFound(path: String)
    /// The folder exists but is not a camrec recording.
    case notARecording(path: String, reason: String)
    /// The index was written by a newer camrec.
    case newerSchema(path: String, found: Int, supported: Int)
    /// SQLite refused a statement.
    case sqlite(path: String, code: Int32, message: String, sql: String)
    /// zstd refused to compress or decompress.
    case zstd(path: String, operation: String, message: String)
    /// Stored bytes do not match what the index or the chunk header says.
    case corrupt(path: String, offset: Int64, reason: String)
    /// A chunk reached the disk but the index could not be updated to point into it (a full disk).
    case indexNotUpdated(path: String, chunk: String, reason: String)
    /// A stored value is out of range (a path outside the recording, a size too large to trust).
    case invalid(path: String, reason: String)

    public var description: String {
        switch self {
        case let .io(operation, path, errno):
            let reason = String(cString: strerror(errno))
            var remedy = ""
            switch errno {
            case EACCES, EPERM, EROFS: remedy = " Check the permissions, or choose another output folder."
            case ENOSPC, EDQUOT: remedy = " The disk is full: free space or record elsewhere."
            case ENOENT: remedy = " Check the path."
            default: break
            }
            return "\(operation) \(path): \(reason) (errno \(errno)).\(remedy)"
        case let .outputExists(path):
            return "\(path) already exists; choose another output, or pass --force to replace it."
        case let .notFound(path):
            return "\(path) does not exist; give the path of a recording folder (NAME.camrec)."
        case let .notARecording(path, reason):
            return "\(path) is not a camrec recording: \(reason)."
        case let .newerSchema(path, found, supported):
            return "\(path) uses index schema version \(found), but this camrec reads versions up to \(supported); "
                + "upgrade camrec to read it."
        case let .sqlite(path, code, message, sql):
            return "SQLite error \(code) on \(path): \(message) (in: \(sql))"
        case let .zstd(path, operation, message):
            return "zstd \(operation) failed for \(path): \(message)"
        case let .corrupt(path, offset, reason):
            return "\(path) is damaged at offset \(offset): \(reason). Run `camrec recover` on the recording."
        case let .indexNotUpdated(path, chunk, reason):
            return "could not add chunk \(chunk) to the index \(path): \(reason). Its frames are on disk but not indexed: "
                + "free some space, then run `camrec recover` on the recording to index them."
        case let .invalid(path, reason):
            return "\(path): \(reason)"
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
