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
