import CV4L2
#if canImport(Glibc)
import Glibc
#endif

/// What the driver said about a dequeued buffer (`struct v4l2_buffer` after VIDIOC_DQBUF), as
/// libcamera's `FrameMetadata`.
public struct FrameMetadata: Sendable, Equatable {
    /// Whether the driver filled the buffer normally.
    public enum Status: Sendable, Equatable {
        case success
        /// V4L2_BUF_FLAG_ERROR: the data may be corrupt.
        case error
    }

    /// The bytes the driver wrote into one plane (`v4l2_plane`).
    public struct Plane: Sendable, Equatable {
        /// Payload size counted from the start of the plane (so it includes `dataOffset`).
        public var bytesUsed: UInt32
        /// Where the payload starts inside the plane.
        public var dataOffset: UInt32
        /// The plane's length.
        public var length: UInt32

        public init(bytesUsed: UInt32, dataOffset: UInt32 = 0, length: UInt32 = 0) {
            self.bytesUsed = bytesUsed
            self.dataOffset = dataOffset
            self.length = length
        }
    }

    public var status: Status
    public var sequence: UInt32
    public var timestamp: BufferTimestamp
    public var field: Field
    public var flags: BufferFlags
    public var planes: [Plane]
}

/// A buffer timestamp in nanoseconds and the clock it comes from. The one place where
/// `struct timeval` and nanoseconds are converted.
public struct BufferTimestamp: Sendable, Equatable, Hashable {
    /// Which clock the driver took the timestamp from (V4L2_BUF_FLAG_TIMESTAMP_MASK).
    public enum Clock: Sendable, Equatable, Hashable {
        /// CLOCK_MONOTONIC.
        case monotonic
        /// Copied from the buffer queued on the output side of an M2M device.
        case copy
        case unknown
    }

    public var nanoseconds: Int64
    public var clock: Clock

    public init(nanoseconds: Int64, clock: Clock) {
        self.nanoseconds = nanoseconds
        self.clock = clock
    }

    init(_ time: timeval, flags: BufferFlags) {
        nanoseconds = Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_usec) * 1_000
        switch flags.rawValue & UInt32(V4L2_BUF_FLAG_TIMESTAMP_MASK) {
        case UInt32(V4L2_BUF_FLAG_TIMESTAMP_MONOTONIC): clock = .monotonic
        case UInt32(V4L2_BUF_FLAG_TIMESTAMP_COPY): clock = .copy
        default: clock = .unknown
        }
    }

    /// The timestamp as V4L2 carries it; V4L2 has microsecond resolution, so sub-microsecond
    /// nanoseconds are truncated (floored, also for negative values).
    var timeval: timeval {
        let microseconds = nanoseconds >= 0 ? nanoseconds / 1_000 : (nanoseconds - 999) / 1_000
        var seconds = microseconds / 1_000_000
        var remainder = microseconds % 1_000_000
        if remainder < 0 {
            seconds -= 1
            remainder += 1_000_000
        }
        return Glibc.timeval(tv_sec: Int(seconds), tv_usec: Int(remainder))
    }
}

/// `v4l2_buffer.flags` (V4L2_BUF_FLAG_*).
public struct BufferFlags: OptionSet, Sendable, Hashable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let mapped = BufferFlags(rawValue: UInt32(V4L2_BUF_FLAG_MAPPED))
    public static let queued = BufferFlags(rawValue: UInt32(V4L2_BUF_FLAG_QUEUED))
    public static let done = BufferFlags(rawValue: UInt32(V4L2_BUF_FLAG_DONE))
    public static let keyFrame = BufferFlags(rawValue: UInt32(V4L2_BUF_FLAG_KEYFRAME))
    public static let predictedFrame = BufferFlags(rawValue: UInt32(V4L2_BUF_FLAG_PFRAME))
    public static let bidirectionalFrame = BufferFlags(rawValue: UInt32(V4L2_BUF_FLAG_BFRAME))
    public static let error = BufferFlags(rawValue: UInt32(V4L2_BUF_FLAG_ERROR))
    public static let timecode = BufferFlags(rawValue: UInt32(V4L2_BUF_FLAG_TIMECODE))
    public static let last = BufferFlags(rawValue: UInt32(V4L2_BUF_FLAG_LAST))
    public static let timestampMonotonic = BufferFlags(rawValue: UInt32(V4L2_BUF_FLAG_TIMESTAMP_MONOTONIC))
    public static let timestampCopy = BufferFlags(rawValue: UInt32(V4L2_BUF_FLAG_TIMESTAMP_COPY))
    /// V4L2_BUF_FLAG_TSTAMP_SRC_SOE: taken at start of exposure rather than end of frame.
    public static let timestampStartOfExposure = BufferFlags(rawValue: UInt32(V4L2_BUF_FLAG_TSTAMP_SRC_SOE))
}

/// A buffer taken off a queue with VIDIOC_DQBUF: its index and what the driver said about it.
public struct DequeuedBuffer: Sendable {
    public var index: Int
    public var metadata: FrameMetadata
}

/// The outcome of a non-blocking dequeue.
public enum DequeueResult: Sendable {
    case buffer(DequeuedBuffer)
    /// EAGAIN: no buffer is ready yet.
    case noBufferReady
    /// EPIPE: the queue returned its last buffer (V4L2_BUF_FLAG_LAST) after a drain; nothing
    /// more comes until the codec is restarted.
    case endOfStream
}

/// What goes with a buffer queued on an output queue: per-plane payload, timestamp, field and
/// flags (a TIMESTAMP_COPY device, such as an M2M node, hands the timestamp to its capture side).
public struct OutputBufferInfo: Sendable {
    /// One entry per plane of the buffer.
    public var planes: [FrameMetadata.Plane]
    public var timestampNanoseconds: Int64
    public var field: Field
    /// Flags the application may set (e.g. `.keyFrame`, `.timecode`); the queue adds none.
    public var flags: BufferFlags

    public init(planes: [FrameMetadata.Plane], timestampNanoseconds: Int64, field: Field = .none, flags: BufferFlags = []) {
        self.planes = planes
        self.timestampNanoseconds = timestampNanoseconds
        self.field = field
        self.flags = flags
    }
}
