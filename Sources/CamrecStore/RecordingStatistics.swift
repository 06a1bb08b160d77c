/// Recording-wide figures kept in `recording_stats` and `grouping_stats`: how buffers were
/// grouped into requests. Computed with the stream statistics when a recording is closed (and by
/// `camrec recover`), so `camrec info` does not scan every buffer.
public struct RecordingStatistics: Sendable, Equatable {
    public var requests: Int64
    public var incompleteRequests: Int64
    /// Requests per rule ("single", "sequence+timestamp", "timestamp-tolerance").
    public var requestsByRule: [String: Int64]
    /// Per stream: buffers per rule of the request they belong to.
    public var buffersByRule: [Int: [String: Int64]]

    /// A recording with no requests.
    public static let empty = RecordingStatistics(requests: 0, incompleteRequests: 0, requestsByRule: [:], buffersByRule: [:])

    /// Computes the figures from the index rows and replaces the stored ones.
    public static func recompute(in index: RecordingIndex) throws(StoreError) {
        let database = index.database
        let statistics = try compute(in: index)
        try database.execute("DELETE FROM grouping_stats; DELETE FROM recording_stats")
        let grouping = try database.prepare("INSERT INTO grouping_stats (stream_id, rule, buffers) VALUES (?, ?, ?)")
        for (stream, rules) in statistics.buffersByRule {
            for (rule, count) in rules { try grouping.run([.integer(Int64(stream)), .text(rule), .integer(count)]) }
        }
        try database.prepare("""
            INSERT INTO recording_stats (id, requests, incomplete_requests, single_requests, sequence_timestamp_requests,
                tolerance_requests) VALUES (1, ?, ?, ?, ?, ?)
            """).run([
                .integer(statistics.requests), .integer(statistics.incompleteRequests),
                .integer(statistics.requestsByRule["single"] ?? 0),
                .integer(statistics.requestsByRule["sequence+timestamp"] ?? 0),
                .integer(statistics.requestsByRule["timestamp-tolerance"] ?? 0),
            ])
    }

    /// The stored figures, or nil when the recording was never closed (then `compute` gives them).
    public static func load(from index: RecordingIndex) throws(StoreError) -> RecordingStatistics? {
        let database = index.database
        let row = try database.prepare("""
            SELECT requests, incomplete_requests, single_requests, sequence_timestamp_requests, tolerance_requests
            FROM recording_stats WHERE id = 1
            """)
        guard try row.step() else { return nil }
        var requestsByRule: [String: Int64] = [:]
        for (column, rule) in [(2, "single"), (3, "sequence+timestamp"), (4, "timestamp-tolerance")] where row.int64(column) > 0 {
            requestsByRule[rule] = row.int64(column)
        }
        var statistics = RecordingStatistics(requests: row.int64(0), incompleteRequests: row.int64(1),
                                             requestsByRule: requestsByRule, buffersByRule: [:])
        let grouping = try database.prepare("SELECT stream_id, rule, buffers FROM grouping_stats")
        while try grouping.step() {
            statistics.buffersByRule[Int(grouping.int64(0)), default: [:]][grouping.text(1)] = grouping.int64(2)
        }
        return statistics
    }

    /// Computes the figures by scanning the index.
    public static func compute(in index: RecordingIndex) throws(StoreError) -> RecordingStatistics {
        let database = index.database
        var statistics = RecordingStatistics(requests: 0, incompleteRequests: 0, requestsByRule: [:], buffersByRule: [:])
        let rules = try database.prepare("SELECT rule, COUNT(*) FROM requests GROUP BY rule")
        while try rules.step() {
            statistics.requestsByRule[rules.text(0)] = rules.int64(1)
            statistics.requests += rules.int64(1)
        }
        let grouping = try database.prepare("""
            SELECT b.stream_id, r.rule, COUNT(*) FROM buffers b JOIN requests r ON r.id = b.request_id
            GROUP BY b.stream_id, r.rule
            """)
        while try grouping.step() {
            statistics.buffersByRule[Int(grouping.int64(0)), default: [:]][grouping.text(1)] = grouping.int64(2)
        }
        let activeStreams = Int64(statistics.buffersByRule.count)
        if activeStreams > 1 {
            statistics.incompleteRequests = try database.scalar("""
                SELECT COUNT(*) FROM (SELECT request_id, COUNT(DISTINCT stream_id) AS n FROM buffers GROUP BY request_id) WHERE n < ?
                """, [.integer(activeStreams)])
        }
        return statistics
    }
}
