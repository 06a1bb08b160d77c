import CamrecStore
import V4L2Vocabulary

/// Which buffers `camrec frames` lists. Every condition is optional; they combine with AND.
public struct FrameFilter: Sendable, Equatable {
    public var streamID: Int?
    public var status: BufferStatus?
    /// Sequence numbers, inclusive.
    public var sequences: ClosedRange<Int64>?
    /// Buffer timestamps in nanoseconds (the recorded clock), inclusive.
    public var timestamps: ClosedRange<Int64>?
    /// Only buffers that follow a sequence gap in their stream (the first buffer after a drop).
    public var afterGap = false
    /// At most this many buffers, in recording order.
    public var limit: Int?

    public init(streamID: Int? = nil, status: BufferStatus? = nil, sequences: ClosedRange<Int64>? = nil,
                timestamps: ClosedRange<Int64>? = nil, afterGap: Bool = false, limit: Int? = nil) {
        self.streamID = streamID
        self.status = status
        self.sequences = sequences
        self.timestamps = timestamps
        self.afterGap = afterGap
        self.limit = limit
    }
}

/// One buffer as `camrec frames` lists it: its metadata and plane totals.
public struct FrameListing: Sendable, Equatable {
    public var bufferID: Int64
    public var stream: String
    public var requestID: Int64
    public var status: BufferStatus
    public var sequence: Int64
    public var timestampNanoseconds: Int64
    public var clock: String
    public var flags: UInt32
    public var field: UInt32
    public var planeCount: Int
    /// Sum of the planes' bytesused.
    public var bytesUsed: Int64
    /// Sum of the planes' zstd frame sizes in the chunks.
    public var storedBytes: Int64
    /// With `afterGap`: how many sequence numbers are missing just before this buffer.
    public var missingBefore: Int64?
}

/// Runs a `FrameFilter` against a recording's index: one SQL statement, every value bound.
public enum FrameQuery {
    public static func run(_ filter: FrameFilter, on reader: RecordingReader) throws(StoreError) -> [FrameListing] {
        // The gap of each buffer needs the previous buffer of its stream, so with --after-gap the
        // filter applies after the window function has seen every buffer.
        let source = filter.afterGap
            ? """
              (SELECT *, sequence - LAG(sequence) OVER (PARTITION BY stream_id ORDER BY id) - 1 AS missing_before,
                      LAG(timestamp_ns) OVER (PARTITION BY stream_id ORDER BY id) AS previous_timestamp_ns
               FROM buffers)
              """
            : "(SELECT *, NULL AS missing_before FROM buffers)"
        var sql = """
            SELECT b.id, s.name, b.request_id, b.status, b.sequence, b.timestamp_ns, b.clock, b.flags, b.field,
                   b.plane_count,
                   (SELECT COALESCE(SUM(p.bytesused), 0) FROM planes p WHERE p.buffer_id = b.id),
                   (SELECT COALESCE(SUM(p.stored_size), 0) FROM planes p WHERE p.buffer_id = b.id),
                   b.missing_before
            FROM \(source) b JOIN streams s ON s.id = b.stream_id
            WHERE 1
            """
        var arguments: [SQLiteValue] = []
        if let streamID = filter.streamID {
            sql += " AND b.stream_id = ?"
            arguments.append(.integer(Int64(streamID)))
        }
        if let status = filter.status {
            sql += " AND b.status = ?"
            arguments.append(.text(status.rawValue))
        }
        if let range = filter.sequences {
            sql += " AND b.sequence BETWEEN ? AND ?"
            arguments += [.integer(range.lowerBound), .integer(range.upperBound)]
        }
        if let range = filter.timestamps {
            sql += " AND b.timestamp_ns BETWEEN ? AND ?"
            arguments += [.integer(range.lowerBound), .integer(range.upperBound)]
        }
        if filter.afterGap {
            sql += " AND b.missing_before > 0"
            // A ring recording (index v5) keeps event windows: the step from one to the next is no gap.
            if reader.index.schemaVersion >= 5 {
                sql += """
                     AND (NOT EXISTS (SELECT 1 FROM events) OR EXISTS (SELECT 1 FROM events e
                          WHERE e.window_start_ns <= b.previous_timestamp_ns AND b.timestamp_ns <= e.window_end_ns))
                    """
            }
        }
        sql += " ORDER BY b.id"
        if let limit = filter.limit {
            sql += " LIMIT ?"
            arguments.append(.integer(Int64(limit)))
        }
        let statement = try reader.index.database.prepare(sql)
        try statement.bind(arguments)
        var rows: [FrameListing] = []
        while try statement.step() {
            guard let status = BufferStatus(rawValue: statement.text(3)) else {
                throw .corrupt(path: reader.index.path, offset: 0,
                               reason: "buffer \(statement.int64(0)) has the unknown status '\(statement.text(3))'")
            }
            rows.append(FrameListing(
                bufferID: statement.int64(0), stream: statement.text(1), requestID: statement.int64(2), status: status,
                sequence: statement.int64(4), timestampNanoseconds: statement.int64(5), clock: statement.text(6),
                flags: UInt32(truncatingIfNeeded: statement.int64(7)), field: UInt32(truncatingIfNeeded: statement.int64(8)),
                planeCount: Int(statement.int64(9)), bytesUsed: statement.int64(10), storedBytes: statement.int64(11),
                missingBefore: statement.optionalInt64(12)))
        }
        return rows
    }

    /// The earliest buffer timestamp of the recording (from the per-stream statistics), the zero
    /// of `--time` ranges.
    public static func firstTimestamp(of reader: RecordingReader) throws(StoreError) -> Int64? {
        let statement = try reader.index.database.prepare("SELECT MIN(first_timestamp_ns) FROM stream_stats")
        guard try statement.step() else { return nil }
        if let value = statement.optionalInt64(0) { return value }
        let fallback = try reader.index.database.prepare("SELECT MIN(timestamp_ns) FROM buffers")
        guard try fallback.step() else { return nil }
        return fallback.optionalInt64(0)
    }
}
