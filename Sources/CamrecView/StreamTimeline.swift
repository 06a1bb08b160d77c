import CamrecStore

/// One stream's buffers as compact columns in memory (timestamp, sequence, status, the driver
/// drop before each), loaded once from the index when the viewer starts, so the timeline of a
/// million buffers is summarised per time bucket in milliseconds instead of one SQL scan per
/// zoom step. About 21 bytes a buffer.
struct StreamTimeline: Sendable {
    let streamID: Int
    let name: String
    /// Sorted by timestamp (recording order when the timestamps never go back, as they do not
    /// for one stream of a V4L2 device).
    private(set) var timestamps: [Int64] = []
    private(set) var sequences: [UInt32] = []
    private(set) var statuses: [BufferStatusCode] = []
    /// Sequence numbers missing just before each buffer (in recording order, as
    /// `frames --after-gap` counts them); 0 for most.
    private(set) var missingBefore: [UInt32] = []
    /// Sequences the recorder dropped (queue full), from its notes, sorted.
    private(set) var recorderDrops: [UInt32] = []
    /// Where each of `recorderDrops` is drawn: the timestamp of the first buffer recorded after it.
    private(set) var recorderDropTimestamps: [Int64] = []

    /// A buffer's status in one byte.
    enum BufferStatusCode: UInt8, Sendable {
        case ok, error, cancelled
    }

    var count: Int { timestamps.count }

    /// Loads every stream's columns in one pass over the index.
    static func load(from reader: RecordingReader) throws(StoreError) -> [StreamTimeline] {
        var timelines = reader.streams.map { StreamTimeline(streamID: $0.id, name: $0.name) }
        var position: [Int: Int] = [:]
        for (index, timeline) in timelines.enumerated() { position[timeline.streamID] = index }
        let rows = try reader.index.database.prepare("SELECT stream_id, sequence, timestamp_ns, status FROM buffers ORDER BY id")
        var previousSequence: [Int: Int64] = [:]
        while try rows.step() {
            let streamID = Int(rows.int64(0))
            guard let slot = position[streamID] else { continue }
            let sequence = rows.int64(1)
            let missing = previousSequence[streamID].map { sequence - $0 - 1 } ?? 0
            previousSequence[streamID] = sequence
            timelines[slot].sequences.append(UInt32(truncatingIfNeeded: sequence))
            timelines[slot].timestamps.append(rows.int64(2))
            timelines[slot].missingBefore.append(UInt32(clamping: max(0, missing)))
            let status: BufferStatusCode = switch rows.text(3) {
            case "error": .error
            case "cancelled": .cancelled
            default: .ok
            }
            timelines[slot].statuses.append(status)
        }
        let drops = try reader.index.database.prepare(
            "SELECT stream_id, sequence FROM notes WHERE kind = 'recorder_drop' AND sequence IS NOT NULL ORDER BY stream_id, sequence")
        while try drops.step() {
            guard let slot = position[Int(drops.int64(0))] else { continue }
            timelines[slot].recorderDrops.append(UInt32(truncatingIfNeeded: drops.int64(1)))
        }
        for index in timelines.indices {
            timelines[index].sortByTimestamp()
            timelines[index].placeRecorderDrops()
        }
        return timelines
    }

    private init(streamID: Int, name: String) {
        self.streamID = streamID
        self.name = name
    }

    /// Keeps every column in timestamp order; a no-op for the usual monotonic stream.
    private mutating func sortByTimestamp() {
        guard zip(timestamps, timestamps.dropFirst()).contains(where: { $0 > $1 }) else { return }
        let order = timestamps.indices.sorted { (timestamps[$0], $0) < (timestamps[$1], $1) }
        timestamps = order.map { timestamps[$0] }
        sequences = order.map { sequences[$0] }
        statuses = order.map { statuses[$0] }
        missingBefore = order.map { missingBefore[$0] }
    }

    /// The first index whose timestamp is at least `timestamp`.
    func firstIndex(atOrAfter timestamp: Int64) -> Int {
        var low = 0, high = timestamps.count
        while low < high {
            let middle = (low + high) / 2
            if timestamps[middle] < timestamp { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// Gives each recorder drop the timestamp of the first buffer with a later sequence: one
    /// binary search each while the sequences rise (they do, but across a wrap at 2^32).
    private mutating func placeRecorderDrops() {
        let rising = !zip(sequences, sequences.dropFirst()).contains(where: { $0 > $1 })
        recorderDropTimestamps = recorderDrops.compactMap { dropped in
            let index: Int?
            if rising {
                var low = 0, high = sequences.count
                while low < high {
                    let middle = (low + high) / 2
                    if sequences[middle] <= dropped { low = middle + 1 } else { high = middle }
                }
                index = low
            } else {
                index = sequences.firstIndex(where: { $0 > dropped })
            }
            guard let index, index < timestamps.count else { return timestamps.last }
            return timestamps[index]
        }
    }

    /// The bucket of `timestamp` in `start..<start+span` cut into `buckets`: 0 <= (timestamp - start) /
    /// span < 1, so a number below `buckets`; clamped for rounding, and 0 should it not be finite.
    private static func bucket(of timestamp: Int64, start: Int64, span: Double, buckets: Int) -> Int {
        let position = ((Double(timestamp) - Double(start)) / span * Double(buckets)).rounded(.down)
        return min(buckets - 1, max(0, Int(exactly: position) ?? 0))
    }

    /// Per-bucket figures of `from..<to` cut into `buckets` equal spans.
    func summary(from start: Int64, to end: Int64, buckets: Int) -> [TimelineBucket] {
        guard buckets > 0, end > start else { return [] }
        let span = Double(end) - Double(start)
        var result = (0..<buckets).map { index in
            // span reaches 2^64 for from=Int64.min, to=Int64.max: converted only when it fits.
            let offset = Int64(exactly: (span * Double(index) / Double(buckets)).rounded(.down)) ?? Int64.max
            return TimelineBucket(start: start.addingReportingOverflow(offset).overflow ? Int64.max : start + offset)
        }
        var index = firstIndex(atOrAfter: start)
        while index < timestamps.count, timestamps[index] < end {
            let timestamp = timestamps[index]
            let bucket = Self.bucket(of: timestamp, start: start, span: span, buckets: buckets)
            result[bucket].buffers += 1
            switch statuses[index] {
            case .error: result[bucket].errors += 1
            case .cancelled: result[bucket].cancelled += 1
            case .ok: break
            }
            if missingBefore[index] > 0 {
                result[bucket].driverDrops += Int(missingBefore[index])
                result[bucket].gaps += 1
            }
            if index > 0 {
                let interval = timestamp &- timestamps[index - 1]
                result[bucket].minimumInterval = min(result[bucket].minimumInterval ?? interval, interval)
                result[bucket].maximumInterval = max(result[bucket].maximumInterval ?? interval, interval)
            }
            index += 1
        }
        for timestamp in recorderDropTimestamps {
            guard timestamp >= start, timestamp < end else { continue }
            result[Self.bucket(of: timestamp, start: start, span: span, buckets: buckets)].recorderDrops += 1
        }
        return result
    }
}

extension StreamTimeline {
    /// Every driver drop, error and cancelled buffer and recorder drop of the stream, up to
    /// `limit` of each: few in a healthy recording, and what the timeline marks at every zoom.
    func markers(limit: Int) -> StreamMarkers {
        var markers = StreamMarkers(stream: name, streamID: streamID)
        for index in timestamps.indices {
            if missingBefore[index] > 0 {
                if markers.driverDrops.count < limit {
                    markers.driverDrops.append(StreamMarkers.Marker(sequence: sequences[index], timestamp: timestamps[index],
                                                                    missing: Int(missingBefore[index])))
                } else {
                    markers.truncated = true
                }
            }
            switch statuses[index] {
            case .ok: break
            case .error, .cancelled:
                let marker = StreamMarkers.Marker(sequence: sequences[index], timestamp: timestamps[index], missing: nil)
                if statuses[index] == .error ? markers.errors.count >= limit : markers.cancelled.count >= limit {
                    markers.truncated = true
                } else if statuses[index] == .error {
                    markers.errors.append(marker)
                } else {
                    markers.cancelled.append(marker)
                }
            }
        }
        for (sequence, timestamp) in zip(recorderDrops, recorderDropTimestamps).prefix(limit) {
            markers.recorderDrops.append(StreamMarkers.Marker(sequence: sequence, timestamp: timestamp, missing: nil))
        }
        if recorderDrops.count > limit { markers.truncated = true }
        return markers
    }
}
