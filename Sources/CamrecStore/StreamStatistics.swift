/// Per-stream figures kept in `stream_stats`: computed once when a recording is closed (and by
/// `camrec recover`) so `camrec info` reads them instead of scanning every buffer.
public struct StreamStatistics: Sendable, Equatable, Codable {
    public var streamID: Int
    public var buffers: Int64
    public var ok: Int64
    public var errors: Int64
    public var cancelled: Int64
    /// Frames the driver skipped: the sum of sequence gaps.
    public var driverDrops: Int64
    /// Buffers the recorder could not keep (its queue was full).
    public var recorderDrops: Int64
    public var firstTimestampNanoseconds: Int64?
    public var lastTimestampNanoseconds: Int64?
    public var intervalP50Nanoseconds: Int64?
    public var intervalP99Nanoseconds: Int64?
    public var intervalMaxNanoseconds: Int64?
    public var rawBytes: Int64
    public var storedBytes: Int64

    /// A stream with nothing recorded.
    public static func empty(streamID: Int) -> StreamStatistics {
        StreamStatistics(streamID: streamID, buffers: 0, ok: 0, errors: 0, cancelled: 0, driverDrops: 0,
                         recorderDrops: 0, rawBytes: 0, storedBytes: 0)
    }

    /// Computes the statistics of every stream from the index rows and replaces `stream_stats`.
    public static func recompute(in index: RecordingIndex) throws(StoreError) {
        let database = index.database
        let all = try compute(in: index)
        try database.execute("DELETE FROM stream_stats")
        let insert = try database.prepare("""
            INSERT INTO stream_stats (stream_id, buffers, ok, errors, cancelled, driver_drops, recorder_drops,
                first_timestamp_ns, last_timestamp_ns, interval_p50_ns, interval_p99_ns, interval_max_ns,
                raw_bytes, stored_bytes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        for statistics in all {
            try insert.run([
                .integer(Int64(statistics.streamID)), .integer(statistics.buffers), .integer(statistics.ok),
                .integer(statistics.errors), .integer(statistics.cancelled), .integer(statistics.driverDrops),
                .integer(statistics.recorderDrops),
                optional(statistics.firstTimestampNanoseconds), optional(statistics.lastTimestampNanoseconds),
                optional(statistics.intervalP50Nanoseconds), optional(statistics.intervalP99Nanoseconds),
                optional(statistics.intervalMaxNanoseconds), .integer(statistics.rawBytes),
                .integer(statistics.storedBytes),
            ])
        }
    }

    /// Computes every stream's statistics by scanning the index (for `recompute`, and for a
    /// recording that was never closed).
    public static func compute(in index: RecordingIndex) throws(StoreError) -> [StreamStatistics] {
        let database = index.database
        let streamIDs = try database.prepare("SELECT id FROM streams ORDER BY id")
        var ids: [Int] = []
        while try streamIDs.step() { ids.append(Int(streamIDs.int64(0))) }
        var all: [StreamStatistics] = []
        let rows = try database.prepare(
            "SELECT status, sequence, timestamp_ns FROM buffers WHERE stream_id = ? ORDER BY id")
        let bytes = try database.prepare("""
            SELECT COALESCE(SUM(p.raw_size), 0), COALESCE(SUM(p.stored_size), 0)
            FROM planes p JOIN buffers b ON b.id = p.buffer_id WHERE b.stream_id = ?
            """)
        let drops = try database.prepare("SELECT COUNT(*) FROM notes WHERE kind = 'recorder_drop' AND stream_id = ?")
        // A ring recording keeps windows: the step from one window to the next is no drop nor interval.
        let windows = try RecordedEvents.load(from: index).mergedWindows
        for id in ids {
            var statistics = StreamStatistics(streamID: id, buffers: 0, ok: 0, errors: 0, cancelled: 0,
                                              driverDrops: 0, recorderDrops: 0, rawBytes: 0, storedBytes: 0)
            var intervals: [Int64] = []
            var previousSequence: UInt32?
            var previousTimestamp: Int64?
            try rows.bind([.integer(Int64(id))])
            while try rows.step() {
                statistics.buffers += 1
                switch rows.text(0) {
                case "ok": statistics.ok += 1
                case "error": statistics.errors += 1
                default: statistics.cancelled += 1
                }
                let sequence = UInt32(truncatingIfNeeded: rows.int64(1))
                let timestamp = rows.int64(2)
                let continuous = previousTimestamp.map { RecordedEvents.continuous($0, timestamp, in: windows) } ?? true
                if let previousSequence, continuous {
                    statistics.driverDrops += Int64(DriverDrops.missing(after: previousSequence, before: sequence))
                }
                if let previousTimestamp, continuous { intervals.append(timestamp.saturatingSubtracting(previousTimestamp)) }
                statistics.firstTimestampNanoseconds = statistics.firstTimestampNanoseconds ?? timestamp
                statistics.lastTimestampNanoseconds = timestamp
                previousSequence = sequence
                previousTimestamp = timestamp
            }
            if !intervals.isEmpty {
                intervals.sort()
                statistics.intervalP50Nanoseconds = percentile(intervals, 0.50)
                statistics.intervalP99Nanoseconds = percentile(intervals, 0.99)
                statistics.intervalMaxNanoseconds = intervals.last
            }
            try bytes.bind([.integer(Int64(id))])
            if try bytes.step() {
                statistics.rawBytes = bytes.int64(0)
                statistics.storedBytes = bytes.int64(1)
            }
            try drops.bind([.integer(Int64(id))])
            if try drops.step() { statistics.recorderDrops = drops.int64(0) }
            all.append(statistics)
        }
        return all
    }

    /// Reads `stream_stats`.
    public static func load(from index: RecordingIndex) throws(StoreError) -> [StreamStatistics] {
        let statement = try index.database.prepare("""
            SELECT stream_id, buffers, ok, errors, cancelled, driver_drops, recorder_drops, first_timestamp_ns,
                last_timestamp_ns, interval_p50_ns, interval_p99_ns, interval_max_ns, raw_bytes, stored_bytes
            FROM stream_stats ORDER BY stream_id
            """)
        var result: [StreamStatistics] = []
        while try statement.step() {
            result.append(StreamStatistics(
                streamID: Int(statement.int64(0)), buffers: statement.int64(1), ok: statement.int64(2),
                errors: statement.int64(3), cancelled: statement.int64(4), driverDrops: statement.int64(5),
                recorderDrops: statement.int64(6), firstTimestampNanoseconds: statement.optionalInt64(7),
                lastTimestampNanoseconds: statement.optionalInt64(8), intervalP50Nanoseconds: statement.optionalInt64(9),
                intervalP99Nanoseconds: statement.optionalInt64(10), intervalMaxNanoseconds: statement.optionalInt64(11),
                rawBytes: statement.int64(12), storedBytes: statement.int64(13)))
        }
        return result
    }

    /// The value at `fraction` (0...1) of an ascending array, nearest rank; 0 for an empty one.
    /// Shared by the stored interval figures and the replay's lateness report.
    public static func percentile(_ sorted: [Int64], _ fraction: Double) -> Int64 {
        guard !sorted.isEmpty else { return 0 }
        let rank = Int((fraction * Double(sorted.count - 1)).rounded())
        return sorted[min(max(rank, 0), sorted.count - 1)]
    }

    private static func optional(_ value: Int64?) -> SQLiteValue {
        value.map { .integer($0) } ?? .null
    }
}
