import CV4L2

/// Which of the kernel's memory-to-memory interfaces a node implements, decided once from what
/// its queues list and which commands it takes. Each has its own rules for formats, start and
/// end (Documentation/userspace-api/media/v4l/dev-mem2mem.rst and the codec pages).
public enum MemoryToMemoryInterface: Sendable, Equatable, CustomStringConvertible {
    /// One output buffer in, one capture buffer out, formats set up front (vim2m, ISPs, scalers).
    case processor
    /// Raw frames in, compressed out (dev-encoder.rst): capture format first, the visible size
    /// as the OUTPUT crop, drain with V4L2_ENC_CMD_STOP until V4L2_BUF_FLAG_LAST.
    case statefulEncoder
    /// Compressed stream in, raw frames out (dev-decoder.rst): the capture format is known only
    /// after V4L2_EVENT_SOURCE_CHANGE, drain with V4L2_DEC_CMD_STOP until V4L2_BUF_FLAG_LAST.
    case statefulDecoder
    /// One compressed frame per output buffer with its parameters as controls in a media
    /// request (dev-stateless-decoder.rst); the application sets the capture format and names
    /// reference frames by timestamp.
    case statelessDecoder

    public var description: String {
        switch self {
        case .processor: "memory-to-memory processor"
        case .statefulEncoder: "stateful encoder"
        case .statefulDecoder: "stateful decoder"
        case .statelessDecoder: "stateless decoder"
        }
    }

    /// Whether its end is a drain command answered by V4L2_BUF_FLAG_LAST.
    public var drainsWithCommand: Bool { self == .statefulEncoder || self == .statefulDecoder }
}

extension VideoDevice {
    /// The memory-to-memory interface of an M2M node; nil for capture and output nodes.
    /// A node whose capture queue lists only compressed formats is an encoder; one whose output
    /// queue lists only compressed formats is a decoder: stateless when its output queue takes
    /// media requests (V4L2_BUF_CAP_SUPPORTS_REQUESTS; the frame parameters travel in them),
    /// stateful otherwise.
    public func memoryToMemoryInterface() throws(V4L2Error) -> MemoryToMemoryInterface? {
        guard role == .memoryToMemory, let captureQueue, let outputQueue else { return nil }
        let captureFormats = try captureQueue.formats()
        let outputFormats = try outputQueue.formats()
        if !outputFormats.isEmpty && outputFormats.allSatisfy(\.isCompressed) {
            return try outputQueue.supportsRequests() ? .statelessDecoder : .statefulDecoder
        }
        if !captureFormats.isEmpty && captureFormats.allSatisfy(\.isCompressed) { return .statefulEncoder }
        return .processor
    }
}
