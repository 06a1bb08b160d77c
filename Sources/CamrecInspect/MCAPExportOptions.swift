import CamrecStore

/// What `camrec export -o X.mcap` writes: which streams, which window of buffers, how it is compressed
/// and which device name fleet tools file it under.
public struct MCAPExportOptions: Sendable {
    /// The streams to export; every stream when empty.
    public var streams: [StreamDescription] = []
    /// Only buffers whose timestamp (the recorded clock, ns) is in this range; events too.
    public var timestamps: ClosedRange<Int64>?
    /// Only buffers whose sequence is in this range (each stream's own numbers).
    public var sequences: ClosedRange<Int64>?
    /// zstd's level for the chunks (1...19); camrec records at 3 by default.
    public var compressionLevel: Int32 = 3
    /// Bytes of messages per chunk before compression.
    public var chunkSize: Int = MCAPWriter.recommendedChunkSize
    /// The name Foxglove files the recording under (metadata record `foxglove`, key `deviceName`);
    /// the recording's host when nil.
    public var deviceName: String?
    /// The clock of the messages' log and publish times.
    public var logClock: MCAPLogClock = .recorded

    public init() {}

    /// Whether a buffer (or event) with this sequence and timestamp is in the window.
    func includes(sequence: UInt32?, timestamp: Int64) -> Bool {
        if let timestamps, !timestamps.contains(timestamp) { return false }
        if let sequences, let sequence, !sequences.contains(Int64(sequence)) { return false }
        return true
    }
}
