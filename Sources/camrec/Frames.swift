import ArgumentParser
import CamrecInspect
import CamrecStore
import Foundation
import V4L2Vocabulary

struct Frames: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the buffers of a recording with their metadata, filtered.",
        discussion: """
            Filters combine (AND). Ranges are inclusive: A..B, A.. or ..B. --time is in seconds from \
            the recording's first buffer. --after-gap lists the first buffer after each sequence gap \
            (a driver drop) with the number missing. --json prints one object per line, --csv a header \
            and rows.

            Examples:
              camrec frames demo.camrec --stream main --status error
              camrec frames demo.camrec --stream main --sequence 100..200 --csv
              camrec frames demo.camrec --time 1.5..2 --json
              camrec frames demo.camrec --after-gap --limit 10
              camrec frames ring.camrec --event 2 --stream main
            """)

    @Argument(help: "The recording folder.")
    var recording: String

    @Option(help: "Only this stream (name or number).")
    var stream: String?

    @Option(help: "Only buffers with this status: ok, error or cancelled.")
    var status: String?

    @Option(help: ArgumentHelp("Only sequence numbers in this range.", valueName: "A..B"))
    var sequence: RangeArgument<Int64>?

    @Option(help: ArgumentHelp("Only buffers in this time range, in seconds from the first buffer (\(Self.timeLimit.text)).",
                               valueName: "A..B"))
    var time: RangeArgument<Double>?

    @Flag(help: "Only buffers that follow a sequence gap (a driver drop).")
    var afterGap = false

    @Option(help: "Only the buffers of this event's window (a ring recording; `camrec info` lists the events).")
    var event: Int64?

    @Option(help: "At most this many buffers (\(Self.limitLimit.text)).")
    var limit: Int?

    /// Each end of --time becomes Int64 nanoseconds, which hold about 292 years.
    static let timeLimit = NumberLimit(option: "--time", range: -9e9...9e9, unit: "seconds")
    static let limitLimit = NumberLimit(option: "--limit", atLeast: 1, unit: "buffers")

    @OptionGroup var output: OutputStyleOptions

    func validate() throws {
        if let status, BufferStatus(rawValue: status) == nil {
            throw ValidationError("--status must be ok, error or cancelled, not '\(status)'.")
        }
        try Self.limitLimit.check(limit)
        try Self.timeLimit.check(time?.lower)
        try Self.timeLimit.check(time?.upper)
    }

    func run() throws {
        let reader = try RecordingReader(path: recording)
        noteIfStillRecording(reader)
        var filter = FrameFilter(status: status.flatMap(BufferStatus.init(rawValue:)), afterGap: afterGap, limit: limit)
        if let stream {
            guard let found = reader.stream(named: stream) else {
                throw CommandFailure("\(recording) has no stream '\(stream)'; it has: "
                                     + reader.streams.map(\.name).joined(separator: ", ") + ".")
            }
            filter.streamID = found.id
        }
        if let sequence {
            filter.sequences = (sequence.lower ?? Int64.min)...(sequence.upper ?? Int64.max)
        }
        if let time {
            filter.timestamps = time.timestamps(from: try FrameQuery.firstTimestamp(of: reader) ?? 0)
        }
        if let event {
            let recorded = try RecordedEvents.load(from: reader.index)
            guard let found = recorded.event(event) else {
                throw CommandFailure("\(recording) has no event \(event); "
                                     + (recorded.events.isEmpty ? "it has none (events come from record --ring)."
                                                                : "it has events 1 to \(recorded.events.count)."))
            }
            let window = found.windowStartNanoseconds...max(found.windowStartNanoseconds, found.windowEndNanoseconds)
            filter.timestamps = filter.timestamps.map { $0.clamped(to: window) } ?? window
        }
        let rows = try FrameQuery.run(filter, on: reader)
        var columns = ["buffer_id", "stream", "sequence", "timestamp_ns", "status", "request", "planes", "bytesused",
                       "stored_bytes", "flags", "field", "clock"]
        if afterGap { columns.append("missing_before") }
        let cells: [[TableOutput.Cell]] = rows.map { row in
            var line: [TableOutput.Cell] = [
                .integer(row.bufferID), .text(row.stream), .integer(row.sequence), .integer(row.timestampNanoseconds),
                .text(row.status.rawValue), .integer(row.requestID), .integer(Int64(row.planeCount)),
                .integer(row.bytesUsed), .integer(row.storedBytes),
                output.style == .table ? .text(String(format: "0x%08x", row.flags)) : .integer(Int64(row.flags)),
                .integer(Int64(row.field)), .text(row.clock),
            ]
            if afterGap { line.append(row.missingBefore.map { .integer($0) } ?? .null) }
            return line
        }
        TableOutput.print(columns: columns, rows: cells, style: output.style)
    }
}
