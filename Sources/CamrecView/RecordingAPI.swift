import CamrecInspect
import CamrecStore
import Foundation

/// The answers of `/api/r/{n}/...` for one recording, as JSON or PNG bytes: buffer rows as
/// `frames --json` prints them, per-bucket summaries, markers, one buffer's metadata, frames
/// converted as `export` converts them and greyscale plane views.
struct RecordingAPI {
    let recording: ViewedRecording

    /// At most this many rows per `buffers` request; the page asks for summaries when zoomed out.
    static let rowLimit = 20_000
    /// At most this many buckets per summary.
    static let bucketLimit = 8_192

    /// One buffer row, the columns of `frames --json` (and `missing_before` always).
    struct Row: Encodable {
        var buffer_id: Int64
        var stream: String
        var sequence: Int64
        var timestamp_ns: Int64
        var status: String
        var request: Int64
        var planes: Int
        var bytesused: Int64
        var stored_bytes: Int64
        var flags: UInt32
        var field: UInt32
        var clock: String
        var missing_before: Int64
    }

    /// Buffers of `stream` with timestamps in `from...to`, in recording order, at most `limit`.
    func buffers(stream name: String, from: Int64, to: Int64, limit: Int) throws -> [Row] {
        let timeline = try recording.timeline(named: name)
        guard (1...Self.rowLimit).contains(limit) else {
            throw ViewerError.badRequest("limit must be 1...\(Self.rowLimit), not \(limit); ask /summary for wider windows")
        }
        let filter = FrameFilter(streamID: timeline.streamID, timestamps: from...max(from, to), limit: limit)
        let listings = try recording.withReader { reader in try FrameQuery.run(filter, on: reader) }
        return listings.map { listing in
            // The gap before each buffer from the columns: FrameQuery computes it only over the whole stream.
            var missing: Int64 = 0
            var index = timeline.firstIndex(atOrAfter: listing.timestampNanoseconds)
            while index < timeline.count, timeline.timestamps[index] == listing.timestampNanoseconds {
                if Int64(timeline.sequences[index]) == listing.sequence { missing = Int64(timeline.missingBefore[index]) }
                index += 1
            }
            return Row(buffer_id: listing.bufferID, stream: listing.stream, sequence: listing.sequence,
                       timestamp_ns: listing.timestampNanoseconds, status: listing.status.rawValue, request: listing.requestID,
                       planes: listing.planeCount, bytesused: listing.bytesUsed, stored_bytes: listing.storedBytes,
                       flags: listing.flags, field: listing.field, clock: listing.clock, missing_before: missing)
        }
    }

    struct Summary: Encodable {
        var stream: String
        var from_ns: Int64
        var to_ns: Int64
        var bucket_ns: Double
        var buffers: Int
        var buckets: [TimelineBucket]
    }

    /// `stream` from `from` to `to` cut into `buckets` spans, each with its counts.
    func summary(stream name: String, from: Int64, to: Int64, buckets: Int) throws -> Summary {
        let timeline = try recording.timeline(named: name)
        guard (1...Self.bucketLimit).contains(buckets) else {
            throw ViewerError.badRequest("buckets must be 1...\(Self.bucketLimit), not \(buckets)")
        }
        guard to > from else { throw ViewerError.badRequest("to (\(to)) must be after from (\(from))") }
        let result = timeline.summary(from: from, to: to, buckets: buckets)
        return Summary(stream: timeline.name, from_ns: from, to_ns: to, bucket_ns: (Double(to) - Double(from)) / Double(buckets),
                       buffers: result.reduce(0) { $0 + $1.buffers }, buckets: result)
    }

    /// The drop, error and recorder-drop markers of every stream.
    func markers() -> [StreamMarkers] {
        recording.markers
    }

    /// A recorder note placed on the buffer clock.
    struct PlacedNote: Encodable {
        var kind: String
        var stream: String?
        var sequence: UInt32?
        var message: String
        /// The named buffer's timestamp; without one, the note's wall-clock time moved onto the
        /// monotonic clock by the recording's start (both were read together), kept within the
        /// recording.
        var timestamp_ns: Int64
    }

    /// The recorder's notes but its per-buffer drops (`markers` has those), on the timeline.
    func notes() throws -> [PlacedNote] {
        let range = recording.timeRange ?? 0...0
        return try recording.withReader { reader in
            let rows = try reader.index.database.prepare(
                "SELECT kind, wall_ns, stream_id, sequence, message FROM notes WHERE kind != 'recorder_drop' ORDER BY id LIMIT 10000")
            var notes: [PlacedNote] = []
            while try rows.step() {
                let streamID = rows.optionalInt64(2).map { Int($0) }
                let sequence = rows.optionalInt64(3).map { UInt32(truncatingIfNeeded: $0) }
                let timeline = recording.timelines.first { $0.streamID == streamID }
                var timestamp: Int64?
                if let timeline, let sequence, let index = timeline.sequences.firstIndex(where: { $0 >= sequence }) {
                    timestamp = timeline.timestamps[index]
                }
                let wall = rows.int64(1)
                let estimate = reader.info.startMonotonicNanoseconds.addingReportingOverflow(
                    wall.subtractingReportingOverflow(reader.info.startWallNanoseconds).partialValue).partialValue
                notes.append(PlacedNote(kind: rows.text(0), stream: timeline?.name, sequence: sequence, message: rows.text(4),
                                        timestamp_ns: min(range.upperBound, max(range.lowerBound, timestamp ?? estimate))))
            }
            return notes
        }
    }

    /// A trigger event of a ring recording (index v5): what fired it, when, and the window kept.
    struct Event: Encodable {
        var trigger: String
        var detail: String
        var timestamp_ns: Int64
        var stream: String?
        var sequence: Int64?
        var window_start_ns: Int64
        var window_end_ns: Int64
    }

    /// The recording's trigger events; none for recordings that are not rings (or older than v5).
    func events() throws -> [Event] {
        try recording.withReader { reader in
            let table = try reader.index.database.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'events'")
            guard try table.step() else { return [] }
            let rows = try reader.index.database.prepare(
                "SELECT trigger, detail, timestamp_ns, stream_id, sequence, window_start_ns, window_end_ns FROM events ORDER BY id LIMIT 10000")
            var events: [Event] = []
            while try rows.step() {
                let streamID = rows.optionalInt64(3).map { Int($0) }
                events.append(Event(trigger: rows.text(0), detail: rows.text(1), timestamp_ns: rows.int64(2),
                                    stream: recording.timelines.first { $0.streamID == streamID }?.name,
                                    sequence: rows.optionalInt64(4), window_start_ns: rows.int64(5), window_end_ns: rows.int64(6)))
            }
            return events
        }
    }

    struct Detail: Encodable {
        struct Plane: Encodable {
            var bytesused: UInt32
            var length: UInt32
            var data_offset: UInt32
            var stored_bytes: UInt32
        }
        var stream: String
        var kind: String
        var fourcc: String
        var width: UInt32
        var height: UInt32
        var buffer_id: Int64
        var request: Int64
        var sequence: UInt32
        var timestamp_ns: Int64
        var clock: String
        var status: String
        var flags: UInt32
        var field: UInt32
        var planes: [Plane]
        /// Components with greyscale views (Y, U, V), 0 when the format has none.
        var plane_views: Int
        /// Metadata streams: each plane's payload in hex (the first 64 KiB).
        var hex: [String]?
        var missing_before: Int64
        var previous_sequence: UInt32?
        var next_sequence: UInt32?
    }

    /// One buffer's metadata (and, for metadata streams, its bytes as hex).
    func detail(stream name: String, sequence: UInt32) throws -> Detail {
        let timeline = try recording.timeline(named: name)
        return try recording.withReader { reader in
            let exporter = FrameExporter(reader: reader)
            let stream = try exporter.stream(named: timeline.name)
            let buffer = try exporter.buffer(of: stream, sequence: sequence)
            var hex: [String]?
            if stream.kind == .meta {
                hex = try exporter.planePayloads(buffer).map { payload in
                    payload.prefix(65_536).map { byte in
                        let digits = String(byte, radix: 16)
                        return byte < 16 ? "0" + digits : digits
                    }.joined()
                }
            }
            let index = timeline.firstIndex(atOrAfter: buffer.metadata.timestamp.nanoseconds)
            let position = (index..<timeline.count).first { timeline.sequences[$0] == sequence } ?? index
            return Detail(
                stream: stream.name, kind: stream.kind.rawValue, fourcc: stream.format.pixelFormat.description,
                width: stream.format.width, height: stream.format.height, buffer_id: buffer.bufferID, request: buffer.requestID,
                sequence: buffer.metadata.sequence, timestamp_ns: buffer.metadata.timestamp.nanoseconds,
                clock: "\(buffer.metadata.timestamp.clock)", status: buffer.metadata.status.rawValue,
                flags: buffer.metadata.flags.rawValue, field: buffer.metadata.field.rawValue,
                planes: buffer.planes.map {
                    Detail.Plane(bytesused: $0.metadata.bytesUsed, length: $0.metadata.length,
                                 data_offset: $0.metadata.dataOffset, stored_bytes: $0.storedSize)
                },
                plane_views: stream.kind == .video ? PlaneView.componentCount(fourcc: stream.format.pixelFormat.description) : 0,
                hex: hex,
                missing_before: position < timeline.count ? Int64(timeline.missingBefore[position]) : 0,
                previous_sequence: position > 0 && position <= timeline.count ? timeline.sequences[position - 1] : nil,
                next_sequence: position + 1 < timeline.count ? timeline.sequences[position + 1] : nil)
        }
    }

    /// The buffer as PNG: RGB as `camrec export` writes it, or component `plane` in grey.
    func png(stream name: String, sequence: UInt32, plane: Int?) throws -> [UInt8] {
        let timeline = try recording.timeline(named: name)
        return try recording.withReader { reader in
            let exporter = FrameExporter(reader: reader)
            let stream = try exporter.stream(named: timeline.name)
            let buffer = try exporter.buffer(of: stream, sequence: sequence)
            guard let plane else { return try exporter.fileBytes(buffer, of: stream, as: .png) }
            let image = try PlaneView.greyscale(planes: try exporter.planePayloads(buffer), stream: stream, component: plane)
            return try ImageFile.png(image)
        }
    }
}
