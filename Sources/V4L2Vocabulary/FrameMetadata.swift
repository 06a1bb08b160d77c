/// Everything V4L2 says about one dequeued buffer except its bytes (`struct v4l2_buffer` after
/// VIDIOC_DQBUF), as libcamera's `FrameMetadata`: status, sequence, timestamp with its clock,
/// field, flags and per plane bytesused, data offset and length. The V4L2 layer makes it from a
/// dequeued buffer; a recording stores it per buffer.
public struct FrameMetadata: Sendable, Equatable {
    public var status: BufferStatus
    public var sequence: UInt32
    public var timestamp: BufferTimestamp
    /// `v4l2_buffer.flags` as the driver returned them.
    public var flags: BufferFlags
    /// `v4l2_buffer.field` of this buffer.
    public var field: Field
    public var planes: [PlaneMetadata]

    public init(status: BufferStatus, sequence: UInt32, timestamp: BufferTimestamp, flags: BufferFlags = [],
                field: Field = .none, planes: [PlaneMetadata]) {
        self.status = status
        self.sequence = sequence
        self.timestamp = timestamp
        self.flags = flags
        self.field = field
        self.planes = planes
    }
}

/// The outcome V4L2 reported for a buffer. Its `rawValue` ("ok") is what the index stores,
/// its `code` what chunk headers store.
public enum BufferStatus: String, Sendable, Codable, CaseIterable {
    /// Filled normally.
    case ok
    /// Dequeued with V4L2_BUF_FLAG_ERROR: the data may be corrupt.
    case error
    /// Returned without data, e.g. at stream-off.
    case cancelled

    /// The value stored in chunk headers.
    public var code: UInt8 {
        switch self {
        case .ok: 0
        case .error: 1
        case .cancelled: 2
        }
    }

    public init?(code: UInt8) {
        switch code {
        case 0: self = .ok
        case 1: self = .error
        case 2: self = .cancelled
        default: return nil
        }
    }
}

/// Per-plane metadata of a buffer (`struct v4l2_plane`; the single plane of a single-planar buffer).
public struct PlaneMetadata: Sendable, Equatable {
    /// Bytes of payload the driver wrote, counted from the start of the plane (data offset included).
    public var bytesUsed: UInt32
    /// `v4l2_plane.data_offset`: where the payload starts inside the plane.
    public var dataOffset: UInt32
    /// The plane's allocated length.
    public var length: UInt32

    public init(bytesUsed: UInt32, dataOffset: UInt32 = 0, length: UInt32 = 0) {
        self.bytesUsed = bytesUsed
        self.dataOffset = dataOffset
        self.length = length
    }
}
