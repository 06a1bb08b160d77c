import CV4L2
import V4L2Vocabulary
#if canImport(Glibc)
import Glibc
#endif

/// An open V4L2 video or metadata node (`/dev/videoN`). Opening runs VIDIOC_QUERYCAP once and
/// decides, once, which queues the node has and of which buffer type: a camera has a capture
/// queue, an output node an output queue, an M2M device both (libcamera's `V4L2VideoDevice`).
/// The descriptor is non-blocking and closes when the device and its queues are gone.
public final class VideoDevice {
    /// What kind of node this is, from its capabilities.
    public enum Role: Sendable, Equatable, CustomStringConvertible {
        /// Produces buffers (a camera, a metadata capture node).
        case capture
        /// Consumes buffers (a video or metadata output node).
        case output
        /// Memory to memory: consumes on its output queue, produces on its capture queue.
        case memoryToMemory

        public var description: String {
            switch self {
            case .capture: "capture"
            case .output: "output"
            case .memoryToMemory: "memory-to-memory"
            }
        }
    }

    public let path: String
    public let info: DeviceInfo
    public let role: Role
    /// The queue the device fills; nil for output nodes.
    public let captureQueue: BufferQueue?
    /// The queue the application fills; nil for capture nodes.
    public let outputQueue: BufferQueue?
    let descriptor: OwnedDescriptor

    /// Opens `path` and decides its queues from VIDIOC_QUERYCAP. Throws `.wrongNodeKind` for
    /// nodes that have neither a video nor a metadata queue (radio, VBI, SDR, touch).
    public init(path: String) throws(V4L2Error) {
        let descriptor = try OwnedDescriptor(opening: path)
        let info = try DeviceInfo.query(descriptor)
        let caps = info.nodeCapabilities
        let captureType: BufferType? =
            caps.contains(.videoMemoryToMemoryMultiplanar) || caps.contains(.videoCaptureMultiplanar) ? .videoCaptureMultiplanar
            : caps.contains(.videoMemoryToMemory) || caps.contains(.videoCapture) ? .videoCapture
            : caps.contains(.metaCapture) ? .metaCapture : nil
        let outputType: BufferType? =
            caps.contains(.videoMemoryToMemoryMultiplanar) || caps.contains(.videoOutputMultiplanar) ? .videoOutputMultiplanar
            : caps.contains(.videoMemoryToMemory) || caps.contains(.videoOutput) ? .videoOutput
            : caps.contains(.metaOutput) ? .metaOutput : nil
        switch (captureType, outputType) {
        case (.some, .some): role = .memoryToMemory
        case (.some, .none): role = .capture
        case (.none, .some): role = .output
        case (.none, .none):
            throw V4L2Error(kind: .wrongNodeKind, operation: "VIDIOC_QUERYCAP", devicePath: path,
                            reason: "\(info.driver) node '\(info.card)' has no video or metadata queue (capabilities: \(caps))",
                            remedy: "Choose a video or metadata node; `camrec devices` lists them.")
        }
        self.path = path
        self.info = info
        self.descriptor = descriptor
        captureQueue = captureType.map { BufferQueue(descriptor: descriptor, type: $0) }
        outputQueue = outputType.map { BufferQueue(descriptor: descriptor, type: $0) }
    }

    /// The node's file name, e.g. "video0".
    public var nodeName: String { String(path.split(separator: "/").last ?? Substring(path)) }

    /// The capture queue, or `.wrongNodeKind` naming what the node is instead.
    public func requireCaptureQueue(purpose: String = "capture") throws(V4L2Error) -> BufferQueue {
        guard let captureQueue else {
            throw V4L2Error(kind: .wrongNodeKind, operation: purpose, devicePath: path,
                            reason: "'\(info.card)' (\(info.driver)) is an \(role) node without a capture queue",
                            remedy: "Give a video or metadata capture node (or an M2M node); `camrec devices` lists each node's capabilities.")
        }
        return captureQueue
    }

    /// The output queue, or `.wrongNodeKind` naming what the node is instead.
    public func requireOutputQueue(purpose: String = "output") throws(V4L2Error) -> BufferQueue {
        guard let outputQueue else {
            throw V4L2Error(kind: .wrongNodeKind, operation: purpose, devicePath: path,
                            reason: "'\(info.card)' (\(info.driver)) is a \(role) node without an output queue",
                            remedy: "Give a video or metadata output node (or an M2M node); `camrec devices` lists each node's capabilities.")
        }
        return outputQueue
    }
}

extension DeviceNumber {
    /// stat(2) of a device node.
    public init(path: String) throws(V4L2Error) {
        var info = stat()
        guard stat(path, &info) == 0 else { throw V4L2Error(operation: "stat", devicePath: path, errno: errno) }
        self.init(major: cv4l2_major(UInt64(info.st_rdev)), minor: cv4l2_minor(UInt64(info.st_rdev)))
    }
}
