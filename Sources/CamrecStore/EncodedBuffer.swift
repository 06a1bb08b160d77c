/// A buffer whose planes have been encoded, ready for the chunk writer: its identity in the
/// recording (buffer and request numbers), its metadata and its zstd frames.
public struct EncodedBuffer: Sendable {
    /// 1-based, recording-wide, in capture order.
    public var bufferID: Int64
    public var requestID: Int64
    /// How the buffer came to be in its request.
    public var requestJoin: RequestJoin
    public var streamID: Int
    public var metadata: BufferMetadata
    public var planes: [EncodedPlane]

    public init(bufferID: Int64, requestID: Int64, requestJoin: RequestJoin, streamID: Int,
                metadata: BufferMetadata, planes: [EncodedPlane]) {
        self.bufferID = bufferID
        self.requestID = requestID
        self.requestJoin = requestJoin
        self.streamID = streamID
        self.metadata = metadata
        self.planes = planes
    }
}

/// Where one plane's zstd frame lives.
public struct ChunkLocation: Sendable, Equatable, Hashable {
    public var chunkID: Int64
    /// Offset of the zstd frame (not of its header) inside the chunk file.
    public var offset: Int64
    public var compressedLength: Int64

    public init(chunkID: Int64, offset: Int64, compressedLength: Int64) {
        self.chunkID = chunkID
        self.offset = offset
        self.compressedLength = compressedLength
    }
}
