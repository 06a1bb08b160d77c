/// Everything V4L2 says about one dequeued buffer except its bytes (`struct v4l2_buffer` after
/// VIDIOC_DQBUF), as libcamera's `FrameMetadata`: status, sequence, timestamp, field, flags and
/// per-plane bytesused.
public struct BufferMetadata: Sendable, Equatable {
    public var status: BufferStatus
    public var sequence: UInt32
    public var timestamp: Timestamp
    /// `v4l2_buffer.flags` as the driver returned them.
    public var flags: UInt32
    /// `enum v4l2_field` of this buffer.
    public var field: UInt32
    public var planes: [PlaneMetadata]

    public init(status: BufferStatus, sequence: UInt32, timestamp: Timestamp, flags: UInt32 = 0,
                field: UInt32 = 1, planes: [PlaneMetadata]) {
        self.status = status
        self.sequence = sequence
        self.timestamp = timestamp
        self.flags = flags
        self.field = field
        self.planes = planes
    }
}

/// The outcome V4L2 reported for a buffer.
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

/// A buffer timestamp in nanoseconds and the clock it was taken from.
public struct Timestamp: Sendable, Equatable, Hashable {
    public var nanoseconds: Int64
    public var clock: TimestampClock

    public init(nanoseconds: Int64, clock: TimestampClock) {
        self.nanoseconds = nanoseconds
        self.clock = clock
    }
}

/// Which clock a timestamp comes from (V4L2_BUF_FLAG_TIMESTAMP_MASK and TSTAMP_SRC).
public enum TimestampClock: String, Sendable, Codable, CaseIterable {
    case monotonic
    /// V4L2_BUF_FLAG_TIMESTAMP_COPY: copied from the buffer queued on the output side.
    case copy
    case unknown

    public var code: UInt8 {
        switch self {
        case .monotonic: 0
        case .copy: 1
        case .unknown: 2
        }
    }

    public init?(code: UInt8) {
        switch code {
        case 0: self = .monotonic
        case 1: self = .copy
        case 2: self = .unknown
        default: return nil
        }
    }
}

/// Per-plane metadata of a buffer (`v4l2_plane`).
public struct PlaneMetadata: Sendable, Equatable {
    /// Bytes of payload the driver wrote, counted from the start of the plane (data offset included).
    public var bytesUsed: UInt32
    /// `v4l2_plane.data_offset`: where the payload starts inside the plane.
    public var dataOffset: UInt32
    /// The plane's allocated length.
    public var length: UInt32

    public init(bytesUsed: UInt32, dataOffset: UInt32 = 0, length: UInt32) {
        self.bytesUsed = bytesUsed
        self.dataOffset = dataOffset
        self.length = length
    }
}
