import V4L2Vocabulary

/// One plane's bytes made ready for a chunk: a complete zstd frame (with content checksum) and
/// the facts the header needs about it.
public struct EncodedPlane: Sendable {
    public var metadata: PlaneMetadata
    public var encoding: PlaneEncoding
    /// A complete zstd frame holding the stored bytes.
    public var frame: [UInt8]
    /// Uncompressed size of the stored bytes.
    public var storedSize: UInt32
    /// XXH64 (seed 0) of the stored bytes.
    public var checksum: UInt64

    public init(metadata: PlaneMetadata, encoding: PlaneEncoding, frame: [UInt8], storedSize: UInt32, checksum: UInt64) {
        self.metadata = metadata
        self.encoding = encoding
        self.frame = frame
        self.storedSize = storedSize
        self.checksum = checksum
    }
}
