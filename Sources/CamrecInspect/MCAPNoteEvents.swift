import CamrecStore

/// Walks a recording's notes (the recorder's drops, errors, stop reason...) one at a time as
/// `/camrec/events` messages, so an export holds one note in memory however many there are (a
/// slow disk can leave one recorder-drop note per buffer).
final class MCAPNoteEvents {
    private let statement: SQLiteStatement
    private let streamNames: [Int: String]
    private let info: RecordingInfo

    /// Notes of `streams` and notes about the whole recording, in the order they were made.
    init(reader: RecordingReader, streams: [StreamDescription]) throws(StoreError) {
        statement = try reader.index.database.prepare(
            "SELECT kind, wall_ns, stream_id, sequence, message FROM notes ORDER BY id")
        streamNames = Dictionary(streams.map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
        info = reader.info
    }

    /// The next note as an event, or nil after the last.
    func next() throws(StoreError) -> MCAPEvent? {
        while try statement.step() {
            let streamName: String?
            if let streamID = statement.optionalInt64(2) {
                // A note of a stream the export leaves out is left out too.
                guard let name = streamNames[Int(truncatingIfNeeded: streamID)] else { continue }
                streamName = name
            } else {
                streamName = nil
            }
            let kind = statement.text(0)
            let wall = statement.int64(1)
            return MCAPEvent(
                timestamp: recordingClock(wall: wall), kind: kind, stream: streamName,
                sequence: statement.optionalInt64(3).map { UInt32(truncatingIfNeeded: $0) },
                missing: kind == RecorderNote.Kind.recorderDrop.rawValue ? 1 : 0,
                message: statement.text(4), wallNanoseconds: wall)
        }
        return nil
    }

    /// A wall-clock time placed on the buffers' clock through the recording's start pair; the
    /// values come from the index, so the arithmetic saturates rather than traps.
    func recordingClock(wall: Int64) -> Int64 {
        max(0, info.startMonotonicNanoseconds.saturatingAdding(wall.saturatingSubtracting(info.startWallNanoseconds)))
    }
}
