import CamrecStore

/// One run of sequence numbers a stream never delivered (a driver drop).
public struct SequenceGap: Sendable, Equatable, Codable {
    /// The last sequence delivered before the gap.
    public var previousSequence: Int64
    /// The first sequence delivered after it.
    public var sequence: Int64
    /// Sequence numbers missing: `sequence - previousSequence - 1`.
    public var missing: Int64
    /// Timestamp of the buffer after the gap.
    public var timestampNanoseconds: Int64?
}

/// Finds the largest sequence gaps of a stream, in capture order as the statistics count them. It
/// walks the (stream, sequence) index only, which
/// covers the query, so a million buffers take a fraction of a second; `camrec info` calls it only
/// for streams whose statistics report driver drops.
public enum SequenceGaps {
    public static func largest(streamID: Int, count: Int, in index: RecordingIndex) throws(StoreError) -> [SequenceGap] {
        guard count > 0 else { return [] }
        // A ring recording keeps windows: the step from one to the next is no gap (needs the timestamps).
        let windows = try RecordedEvents.load(from: index).mergedWindows
        let statement = try index.database.prepare(windows.isEmpty
            ? "SELECT sequence, 0 FROM buffers INDEXED BY buffers_by_stream_sequence WHERE stream_id = ? ORDER BY id"
            : "SELECT sequence, timestamp_ns FROM buffers WHERE stream_id = ? ORDER BY id")
        try statement.bind([.integer(Int64(streamID))])
        var gaps: [SequenceGap] = []
        var previous: Int64?
        var previousTimestamp: Int64?
        while try statement.step() {
            let sequence = statement.int64(0)
            let timestamp = statement.int64(1)
            defer { previousTimestamp = timestamp }
            if let previousTimestamp, !RecordedEvents.continuous(previousTimestamp, timestamp, in: windows) {
                previous = sequence
                continue
            }
            let missing = previous.map {
                Int64(DriverDrops.missing(after: UInt32(truncatingIfNeeded: $0), before: UInt32(truncatingIfNeeded: sequence)))
            } ?? 0
            if let previous, missing > 0 {
                let gap = SequenceGap(previousSequence: previous, sequence: sequence, missing: missing)
                if gaps.count < count || gap.missing > (gaps.last?.missing ?? 0) {
                    gaps.append(gap)
                    gaps.sort { $0.missing > $1.missing || ($0.missing == $1.missing && $0.sequence < $1.sequence) }
                    if gaps.count > count { gaps.removeLast() }
                }
            }
            previous = sequence
        }
        let timestamp = try index.database.prepare(
            "SELECT timestamp_ns FROM buffers WHERE stream_id = ? AND sequence = ? LIMIT 1")
        for position in gaps.indices {
            try timestamp.bind([.integer(Int64(streamID)), .integer(gaps[position].sequence)])
            if try timestamp.step() { gaps[position].timestampNanoseconds = timestamp.int64(0) }
        }
        return gaps
    }
}
