#if canImport(Glibc)
import Glibc
#endif

/// Why a V4L2, media-controller or DMABUF operation failed: which operation (an ioctl name such
/// as `VIDIOC_S_FMT`, or `open`, `mmap`, `poll`), on which device, the errno when the kernel gave
/// one, and a sentence saying what to do about it.
public struct V4L2Error: Error, Sendable, Equatable, CustomStringConvertible {
    /// The class of failure, for callers that react differently to each.
    public enum Kind: String, Sendable, Equatable {
        /// Another process (or another queue in this one) holds the device: EBUSY.
        case busy
        /// The device went away: ENODEV, or poll reported an error on a streaming node.
        case disconnected
        /// The node exists but is not the kind the operation needs (an output node given to record).
        case wrongNodeKind
        /// The driver adjusted a requested format; `reason` says what was asked and what was offered.
        case formatAdjusted
        /// The driver does not implement the operation (ENOTTY) or the request (EINVAL on an enum).
        case unsupported
        /// A device, control or entity that was looked up by name does not exist.
        case notFound
        /// The caller is not allowed to open or change the device (EACCES, EPERM).
        case permissionDenied
        /// Any other failure of a system call.
        case system
    }

    public var kind: Kind
    /// The ioctl request name or system call, e.g. "VIDIOC_QBUF", "open", "mmap".
    public var operation: String
    /// The device node, media node or DMABUF the operation was on.
    public var devicePath: String
    /// The errno the kernel returned, when there was one.
    public var errno: Int32?
    /// What went wrong, in words.
    public var reason: String
    /// What the user can do about it.
    public var remedy: String

    public init(kind: Kind, operation: String, devicePath: String, errno: Int32? = nil,
                reason: String, remedy: String) {
        self.kind = kind
        self.operation = operation
        self.devicePath = devicePath
        self.errno = errno
        self.reason = reason
        self.remedy = remedy
    }

    /// Builds the error for a failed system call from its errno, with the usual reason and remedy.
    public init(operation: String, devicePath: String, errno code: Int32, context: String? = nil) {
        let explanation = V4L2Error.explain(errno: code, operation: operation, devicePath: devicePath)
        self.init(kind: explanation.kind, operation: operation, devicePath: devicePath, errno: code,
                  reason: context.map { "\($0): \(explanation.reason)" } ?? explanation.reason,
                  remedy: explanation.remedy)
    }

    public var description: String {
        var text = "\(devicePath): \(operation) failed: \(reason)"
        if let errno { text += " (\(V4L2Error.errnoName(errno)))" }
        text += "."
        if !remedy.isEmpty { text += " " + remedy }
        return text
    }

    /// The symbolic name of an errno value ("EBUSY"), or "errno N" when it is not a common one.
    public static func errnoName(_ code: Int32) -> String {
        switch code {
        case EPERM: "EPERM"
        case ENOENT: "ENOENT"
        case EINTR: "EINTR"
        case EIO: "EIO"
        case ENXIO: "ENXIO"
        case EBADF: "EBADF"
        case EAGAIN: "EAGAIN"
        case ENOMEM: "ENOMEM"
        case EACCES: "EACCES"
        case EFAULT: "EFAULT"
        case EBUSY: "EBUSY"
        case ENODEV: "ENODEV"
        case EINVAL: "EINVAL"
        case ENOSPC: "ENOSPC"
        case EPIPE: "EPIPE"
        case ERANGE: "ERANGE"
        case ENOTTY: "ENOTTY"
        case ENOLINK: "ENOLINK"
        case ETIMEDOUT: "ETIMEDOUT"
        default: "errno \(code)"
        }
    }

    private struct Explanation {
        var kind: Kind
        var reason: String
        var remedy: String
    }

    private static func explain(errno code: Int32, operation: String, devicePath: String) -> Explanation {
        switch code {
        case EBUSY:
            return Explanation(kind: .busy, reason: "the device is busy (another process is streaming from it or holds its buffers)",
                               remedy: "Stop the other program using \(devicePath) (`fuser \(devicePath)` names it) or choose another node.")
        case ENODEV, ENXIO:
            return Explanation(kind: .disconnected, reason: "the device is gone (disconnected or its driver was unloaded)",
                               remedy: "Reconnect the device or reload its driver, then list the nodes again with `camrec devices`.")
        case ENOENT:
            return Explanation(kind: .notFound, reason: "no such device node",
                               remedy: "List the available nodes with `camrec devices`.")
        case EACCES, EPERM:
            return Explanation(kind: .permissionDenied, reason: "permission denied",
                               remedy: "Add your user to the group that owns \(devicePath) (usually `video`) or run with the needed privileges.")
        case ENOTTY:
            return Explanation(kind: .unsupported, reason: "the driver does not implement \(operation)",
                               remedy: "This node cannot do that; check its capabilities with `camrec devices`.")
        case EPIPE:
            return Explanation(kind: .system, reason: "the media pipeline is not configured consistently (formats, sizes or colorspaces differ between linked pads)",
                               remedy: "Configure every pad and link of the pipeline with `media-ctl` so that they match the video node's format.")
        case ENOMEM:
            return Explanation(kind: .system, reason: "the driver could not allocate memory",
                               remedy: "Request fewer or smaller buffers.")
        case EINVAL:
            return Explanation(kind: .system, reason: "the driver rejected the arguments",
                               remedy: "Check the format, buffer type and memory type against what `camrec devices` lists for this node.")
        default:
            return Explanation(kind: .system, reason: String(cString: strerror(code)), remedy: "")
        }
    }
}
