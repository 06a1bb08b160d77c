import V4L2Vocabulary

/// A buffer whose planes have been encoded, ready for the chunk writer: its identity in the
/// recording (buffer and request numbers), its metadata and its zstd frames.
public struct EncodedBuffer: Sendable {
    /// 1-based, recording-wide, in capture order.
    public var bufferID: Int64
    public var requestID: Int64
    /// How the buffer came to be in its request.
    public var requestJoin: RequestJoin
    public var streamID: Int
    public var metadata: FrameMetadata
    public var planes: [EncodedPlane]

    public init(bufferID: Int64, requestID: Int64, requestJoin: RequestJoin, streamID: Int,
                metadata: FrameMetadata, planes: [EncodedPlane]) {
        self.bufferID = bufferID
        self.requestID = requestID
        self.requestJoin = requestJoin
        self.streamID = streamID
        self.metadata = metadata
        self.planes = planes
    }
}
