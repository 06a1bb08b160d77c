import V4L2Vocabulary

/// A buffer as the index stores it: metadata plus where each plane lives. (How it joined its
/// request is only known while writing; `RecordingIndex.insertBuffer` takes it separately.)
public struct IndexedBuffer: Sendable, Equatable {
    public var bufferID: Int64
    public var requestID: Int64
    public var streamID: Int
    public var metadata: FrameMetadata
    public var planes: [IndexedPlane]

    public init(bufferID: Int64, requestID: Int64, streamID: Int, metadata: FrameMetadata, planes: [IndexedPlane]) {
        self.bufferID = bufferID
        self.requestID = requestID
        self.streamID = streamID
        self.metadata = metadata
        self.planes = planes
    }
}

/// One plane's row in the index.
public struct IndexedPlane: Sendable, Equatable {
    public var metadata: PlaneMetadata
    public var location: ChunkLocation
    public var storedSize: UInt32
    public var encoding: PlaneEncoding
    public var checksum: UInt64

    public init(metadata: PlaneMetadata, location: ChunkLocation, storedSize: UInt32, encoding: PlaneEncoding,
                checksum: UInt64) {
        self.metadata = metadata
        self.location = location
        self.storedSize = storedSize
        self.encoding = encoding
        self.checksum = checksum
    }
}
