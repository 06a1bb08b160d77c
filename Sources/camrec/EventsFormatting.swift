import CamrecStore
import Foundation

/// Renders the events of a ring recording (`camrec info`): each trigger with what fired, when
/// (seconds from the first buffer), on which stream and sequence, and its window; then the
/// windows the recording holds, overlapping ones merged.
enum EventsFormatting {
    static func text(_ recorded: RecordedEvents, streams: [StreamDescription], zero: Int64?) -> String {
        guard !recorded.events.isEmpty else { return "" }
        let windows = recorded.mergedWindows
        var out = "\nEvents (\(recorded.events.count), in \(windows.count) window\(windows.count == 1 ? "" : "s"))\n"
        let names = Dictionary(streams.map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
        for event in recorded.events {
            var line = "  #\(event.id)  \(event.trigger.rawValue)  at \(seconds(event.timestampNanoseconds, zero))"
            if let stream = event.streamID {
                line += "  \(names[stream] ?? "stream \(stream)")" + (event.sequence.map { " sequence \($0)" } ?? "")
            }
            line += "  window \(seconds(event.windowStartNanoseconds, zero))..\(seconds(event.windowEndNanoseconds, zero))"
            line += "  \(event.detail)\n"
            out += line
        }
        out += "  windows  " + windows.map { window in
            "\(seconds(window.startNanoseconds, zero))..\(seconds(window.endNanoseconds, zero)) ("
                + window.eventIDs.map { "#\($0)" }.joined(separator: ", ") + ")"
        }.joined(separator: ", ") + "\n"
        return out
    }

    /// What retention deleted (`--max-size`, `--max-duration`): one line for all the chunks.
    static func retentionText(_ deleted: [DeletedChunk]) -> String {
        guard let first = deleted.first, let last = deleted.last else { return "" }
        let buffers = deleted.reduce(Int64(0)) { $0.saturatingAdding($1.buffers) }
        let bytes = deleted.reduce(Int64(0)) { $0.saturatingAdding($1.sizeBytes) }
        var out = "\nRetention\n  deleted  \(deleted.count) oldest chunks (\(first.name) to \(last.name)), \(buffers) buffers, "
            + "\(OverviewFormatting.bytes(bytes))"
        if let start = deleted.compactMap(\.firstTimestampNanoseconds).min(), let end = deleted.compactMap(\.lastTimestampNanoseconds).max() {
            out += String(format: ", timestamps %.3f to %.3f s", Double(start) / 1e9, Double(end) / 1e9)
        }
        out += "\n  last     \(last.reason)\n"
        return out
    }

    /// One event in `info --json` ("events").
    struct JSONEvent: Encodable {
        var id: Int64
        var trigger: String
        var detail: String
        var wall_ns: Int64
        var timestamp_ns: Int64
        var stream_id: Int?
        var sequence: UInt32?
        var window_start_ns: Int64
        var window_end_ns: Int64

        init(_ event: RecordingEvent) {
            id = event.id
            trigger = event.trigger.rawValue
            detail = event.detail
            wall_ns = event.wallNanoseconds
            timestamp_ns = event.timestampNanoseconds
            stream_id = event.streamID
            sequence = event.sequence
            window_start_ns = event.windowStartNanoseconds
            window_end_ns = event.windowEndNanoseconds
        }
    }

    /// Seconds from the first buffer, 3 decimals ("4.000 s"); as Doubles, which cannot overflow.
    static func seconds(_ timestamp: Int64, _ zero: Int64?) -> String {
        String(format: "%.3f s", (Double(timestamp) - Double(zero ?? 0)) / 1e9)
    }
}
