import V4L2Vocabulary

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
    public var planes: [PlaneMetadata]
    public var timestampNanoseconds: Int64
    public var field: Field
    /// Flags the application may set (e.g. `.keyFrame`, `.timecode`); the queue adds none.
    public var flags: BufferFlags

    public init(planes: [PlaneMetadata], timestampNanoseconds: Int64, field: Field = .none, flags: BufferFlags = []) {
        self.planes = planes
        self.timestampNanoseconds = timestampNanoseconds
        self.field = field
        self.flags = flags
    }
}
