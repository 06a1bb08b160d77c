/// How much of a long recording to keep (`camrec record --max-size` / `--max-duration`): the
/// oldest committed chunks are deleted, whole, while the rest still holds enough. Chunk-granular:
/// the recording keeps at most `maxBytes` of committed chunks (the open chunk and those waiting for
/// their sync come on top), and at least `maxDurationNanoseconds` of buffers (up to one chunk's
/// duration more).
public struct RetentionPolicy: Sendable, Equatable {
    public var maxBytes: Int64?
    public var maxDurationNanoseconds: Int64?

    public init(maxBytes: Int64? = nil, maxDurationNanoseconds: Int64? = nil) {
        self.maxBytes = maxBytes
        self.maxDurationNanoseconds = maxDurationNanoseconds
    }
}
