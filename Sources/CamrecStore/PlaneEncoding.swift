import V4L2Vocabulary

/// How a plane's bytes are held in its zstd frame.
public enum PlaneEncoding: UInt8, Sendable, Codable {
    /// zstd-compressed.
    case zstd = 0
    /// Stored as raw zstd blocks: already-compressed formats (MJPEG, H.264) are not recompressed.
    case stored = 1

    /// The name stored in the index's `planes.encoding`.
    public var name: String { self == .zstd ? "zstd" : "stored" }

    /// The encoding with this index name.
    public init?(name: String) {
        switch name {
        case "zstd": self = .zstd
        case "stored": self = .stored
        default: return nil
        }
    }

    /// How a stream of this format is stored: already-compressed formats are not recompressed.
    public init(for fourcc: PixelFormat) {
        self = fourcc.isCompressed ? .stored : .zstd
    }
}
