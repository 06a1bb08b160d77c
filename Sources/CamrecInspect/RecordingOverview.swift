import CamrecStore

/// What `camrec info` shows: the recording, each stream with its format and statistics, and
/// the recording-wide counts. Built from the statistics stored at close, so it is fast on big
/// recordings.
public struct RecordingOverview: Sendable {
    /// One stream and its figures.
    public struct Stream: Sendable {
        public var description: StreamDescription
        public var statistics: StreamStatistics
        /// How its buffers were grouped into requests: rule name -> buffers.
        public var grouping: [String: Int64]
        /// The largest sequence gaps (driver drops), largest first; empty without drops.
        public var largestGaps: [SequenceGap] = []

        /// Mean frame rate over the stream's duration.
        public var meanRate: Double? {
            guard let first = statistics.firstTimestampNanoseconds, let last = statistics.lastTimestampNanoseconds,
                  last > first, statistics.buffers > 1 else { return nil }
            // Timestamps from the index: subtracted as Doubles, which cannot overflow.
            return Double(statistics.buffers - 1) / ((Double(last) - Double(first)) / 1e9)
        }

        public var durationSeconds: Double {
            guard let first = statistics.firstTimestampNanoseconds, let last = statistics.lastTimestampNanoseconds else { return 0 }
            return (Double(last) - Double(first)) / 1e9
        }
    }

    public var path: String
    public var info: RecordingInfo
    public var streams: [Stream]
    public var requests: Int64
    /// Requests that lack a buffer of some stream that was recording at the time.
    public var incompleteRequests: Int64
    public var requestRules: [String: Int64]
    public var chunks: Int64
    /// The recorder's notes but its per-buffer drop notes, which the statistics count
    /// (`recorder_drops`); `camrec sql` lists those one by one.
    public var notes: [RecorderNote]

    /// How many of the largest gaps per stream `info` shows.
    public static let largestGapCount = 5

    public init(reader: RecordingReader) throws(StoreError) {
        let database = reader.index.database
        path = reader.path
        info = reader.info
        // Figures stored at close; a recording whose recorder never closed it (and that was not
        // recovered) has none, so they are computed here instead.
        var statistics = try StreamStatistics.load(from: reader.index)
        if statistics.isEmpty { statistics = try StreamStatistics.compute(in: reader.index) }
        var stored = try RecordingStatistics.load(from: reader.index)
        if stored == nil { stored = try RecordingStatistics.compute(in: reader.index) }
        let recordingStatistics = stored ?? .empty
        let byStream = Dictionary(statistics.map { ($0.streamID, $0) }, uniquingKeysWith: { first, _ in first })
        let groupingByStream = recordingStatistics.buffersByRule
        var streams: [Stream] = []
        for description in reader.streams {
            let figures = byStream[description.id] ?? .empty(streamID: description.id)
            let gaps = figures.driverDrops > 0
                ? try SequenceGaps.largest(streamID: description.id, count: Self.largestGapCount, in: reader.index) : []
            streams.append(Stream(description: description, statistics: figures,
                                  grouping: groupingByStream[description.id] ?? [:], largestGaps: gaps))
        }
        self.streams = streams
        requests = recordingStatistics.requests
        requestRules = recordingStatistics.requestsByRule
        incompleteRequests = recordingStatistics.incompleteRequests
        chunks = Int64(reader.chunks.count)
        let noteRows = try database.prepare(
            "SELECT id, kind, wall_ns, stream_id, sequence, message FROM notes WHERE kind != 'recorder_drop' ORDER BY id")
        var notes: [RecorderNote] = []
        while try noteRows.step() {
            notes.append(RecorderNote(
                id: noteRows.int64(0), kind: RecorderNote.Kind(rawValue: noteRows.text(1)) ?? .info,
                wallNanoseconds: noteRows.int64(2), streamID: noteRows.optionalInt64(3).map { Int($0) },
                sequence: noteRows.optionalInt64(4).map { UInt32(truncatingIfNeeded: $0) }, message: noteRows.text(5)))
        }
        self.notes = notes
    }
}
