import V4L2Vocabulary

/// What one stream of a recording is: a video or metadata node (or a synthetic stand-in) and the
/// format it was negotiated with, as V4L2 describes it (`struct v4l2_format`).
public struct StreamDescription: Sendable, Codable, Equatable {
    /// 1-based stream number inside the recording; the chunk headers carry it.
    public var id: Int
    /// A short unique name ("main", "preview", "video0", "meta0").
    public var name: String
    public var kind: StreamKind
    public var format: VideoFormat
    /// The device it came from; nil for the synthetic camera.
    public var device: DeviceIdentity?

    public init(id: Int, name: String, kind: StreamKind, format: VideoFormat, device: DeviceIdentity? = nil) {
        self.id = id
        self.name = name
        self.kind = kind
        self.format = format
        self.device = device
    }
}

/// Whether a stream carries images or metadata buffers (V4L2_BUF_TYPE_META_*).
public enum StreamKind: String, Sendable, Codable, CaseIterable {
    case video
    case meta
}
