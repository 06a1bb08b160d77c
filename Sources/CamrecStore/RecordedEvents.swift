/// The events of a ring recording in its index (`events`, index version 5): inserting them, and
/// reading them back with the windows they merged into. An index before version 5 has none.
public struct RecordedEvents: Sendable, Equatable {
    /// Windows of overlapping events merged: the spans of buffers the recording holds.
    public struct MergedWindow: Sendable, Equatable {
        public var startNanoseconds: Int64
        public var endNanoseconds: Int64
        /// The events whose windows make it up.
        public var eventIDs: [Int64]
    }

    public var events: [RecordingEvent]

    public init(events: [RecordingEvent] = []) {
        self.events = events
    }

    /// The events' windows, overlapping ones merged, in time order.
    public var mergedWindows: [MergedWindow] {
        var merged: [MergedWindow] = []
        for event in events.sorted(by: { $0.windowStartNanoseconds < $1.windowStartNanoseconds }) {
            if let last = merged.indices.last, event.windowStartNanoseconds <= merged[last].endNanoseconds {
                merged[last].endNanoseconds = max(merged[last].endNanoseconds, event.windowEndNanoseconds)
                merged[last].eventIDs.append(event.id)
            } else {
                merged.append(MergedWindow(startNanoseconds: event.windowStartNanoseconds,
                                           endNanoseconds: event.windowEndNanoseconds, eventIDs: [event.id]))
            }
        }
        return merged
    }

    /// Whether two buffer timestamps lie in one merged window, so a sequence gap or an interval
    /// between them is the stream's own and not the cut between two windows. True for a recording
    /// without events (not a ring recording: nothing was cut).
    public static func continuous(_ first: Int64, _ second: Int64, in windows: [MergedWindow]) -> Bool {
        guard !windows.isEmpty else { return true }
        let low = min(first, second)
        let high = max(first, second)
        return windows.contains { $0.startNanoseconds <= low && high <= $0.endNanoseconds }
    }

    /// The event with this number.
    public func event(_ id: Int64) -> RecordingEvent? { events.first { $0.id == id } }

    /// Every event of the recording, in the order they fired.
    public static func load(from index: RecordingIndex) throws(StoreError) -> RecordedEvents {
        guard index.schemaVersion >= 5 else { return RecordedEvents(events: []) }
        let rows = try index.database.prepare("""
            SELECT id, trigger, detail, wall_ns, timestamp_ns, stream_id, sequence, window_start_ns, window_end_ns
            FROM events ORDER BY id
            """)
        var events: [RecordingEvent] = []
        while try rows.step() {
            guard let trigger = RecordingEvent.Trigger(rawValue: rows.text(1)) else {
                throw .corrupt(path: index.path, offset: 0,
                               reason: "event \(rows.int64(0)) has the unknown trigger '\(rows.text(1))'")
            }
            events.append(RecordingEvent(
                id: rows.int64(0), trigger: trigger, detail: rows.text(2), wallNanoseconds: rows.int64(3),
                timestampNanoseconds: rows.int64(4), streamID: rows.optionalInt64(5).map { Int(truncatingIfNeeded: $0) },
                sequence: rows.optionalInt64(6).flatMap { UInt32(exactly: $0) },
                windowStartNanoseconds: rows.int64(7), windowEndNanoseconds: rows.int64(8)))
        }
        return RecordedEvents(events: events)
    }
}

extension RecordingIndex {
    public func insertEvent(_ event: RecordingEvent) throws(StoreError) {
        try database.prepare("""
            INSERT OR REPLACE INTO events (id, trigger, detail, wall_ns, timestamp_ns, stream_id, sequence,
                window_start_ns, window_end_ns) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).run([
                .integer(event.id), .text(event.trigger.rawValue), .text(event.detail), .integer(event.wallNanoseconds),
                .integer(event.timestampNanoseconds), event.streamID.map { .integer(Int64($0)) } ?? .null,
                event.sequence.map { .integer(Int64($0)) } ?? .null,
                .integer(event.windowStartNanoseconds), .integer(event.windowEndNanoseconds),
            ])
    }
}
