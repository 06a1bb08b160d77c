import ArgumentParser
import CamrecEngine
import CamrecStore
import Foundation

struct Replay: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Send a recording back into devices, paced like the original.",
        discussion: """
            Each buffer is queued with its recorded bytesused per plane, timestamp and sequence, at \
            the time its recorded timestamp says (absolute deadlines on CLOCK_MONOTONIC). TARGET is a \
            device node or `null` (takes everything at once: pacing without a device).

            Examples:
              camrec replay demo.camrec --stream main --to null
              camrec replay demo.camrec --to main=null --to meta=null --rate 2 --loop 3
              camrec replay demo.camrec --stream main --to null --from 30 --until 2.5s --json
            """)

    @Argument(help: "The recording folder.")
    var recording: String

    @Option(name: .customLong("to"), help: ArgumentHelp(
        "TARGET for the only (or --stream) stream, or STREAM=TARGET, repeatable.", valueName: "[STREAM=]TARGET"))
    var targets: [String] = []

    @Option(help: "The stream to replay when --to names no stream.")
    var stream: String?

    @Option(help: "Speed factor: 2 plays twice as fast, 0.5 half as fast.")
    var rate: Double = 1

    @Flag(help: "Send each buffer as soon as the device takes it.")
    var asFastAsPossible = false

    @Option(help: "Play the selection N times; 0 loops until Ctrl-C.")
    var loop: Int = 1

    @Option(help: "Start at a sequence number (120) or a time after the first buffer (2.5s, 500ms).")
    var from: String?

    @Option(help: "Stop after a sequence number or a time after the first buffer.")
    var until: String?

    @Option(help: "Buffers recorded with status error: skip or send.")
    var errors: String = "skip"

    @Flag(help: "Print the report as JSON.")
    var json = false

    func validate() throws {
        if targets.isEmpty { throw ValidationError("--to is required: a device node (/dev/video2) or null, or STREAM=TARGET.") }
        if !(rate > 0 && rate.isFinite) { throw ValidationError("--rate must be a positive factor, not \(rate).") }
        if loop < 0 { throw ValidationError("--loop must be 0 (forever) or a positive count, not \(loop).") }
        if let from, ReplayBound(from) == nil { throw ValidationError("--from must be a sequence number (120) or a time (2.5s, 500ms), not '\(from)'.") }
        if let until, ReplayBound(until) == nil { throw ValidationError("--until must be a sequence number (120) or a time (2.5s, 500ms), not '\(until)'.") }
        if Replayer.ErrorPolicy(rawValue: errors) == nil { throw ValidationError("--errors must be skip or send, not '\(errors)'.") }
    }

    func run() throws {
        let reader = try RecordingReader(path: recording)
        var routes: [Replayer.Route] = []
        for target in targets {
            let (streamName, device) = split(target)
            let chosen: StreamDescription
            if let name = streamName ?? stream {
                guard let found = reader.stream(named: name) else {
                    throw CommandFailure("\(recording) has no stream '\(name)'; it has: "
                                         + reader.streams.map(\.name).joined(separator: ", ") + ".")
                }
                chosen = found
            } else if reader.streams.count == 1, let only = reader.streams.first {
                chosen = only
            } else {
                throw CommandFailure("\(recording) has \(reader.streams.count) streams ("
                                     + reader.streams.map(\.name).joined(separator: ", ")
                                     + "); say which with --stream S or --to STREAM=\(device).")
            }
            if routes.contains(where: { $0.streamID == chosen.id }) {
                throw CommandFailure("stream '\(chosen.name)' is given two targets; give each stream one --to.")
            }
            routes.append(Replayer.Route(streamID: chosen.id, sink: try makeSink(target: device, stream: chosen)))
        }
        var options = Replayer.Options()
        options.rate = rate
        options.asFastAsPossible = asFastAsPossible
        options.loops = loop
        options.from = from.flatMap(ReplayBound.init)
        options.until = until.flatMap(ReplayBound.init)
        options.errors = Replayer.ErrorPolicy(rawValue: errors) ?? .skip
        installStopHandlers()
        let report: Replayer.Report
        do {
            report = try Replayer(reader: reader, routes: routes, options: options).run()
        } catch {
            throw CommandFailure("\(error)")
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            encoder.keyEncodingStrategy = .convertToSnakeCase
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            let target = report.targetRate.map { String(format: " (target %.2f)", $0) } ?? ""
            print(String(format: "sent %d buffers in %d requests in %.3f s: %.2f requests/s%@",
                         report.framesSent, report.requestsSent, report.durationSeconds, report.achievedRate, target))
            print(String(format: "lateness p50 %.3f ms, p99 %.3f ms, max %.3f ms",
                         Double(report.latenessP50Nanoseconds) / 1e6, Double(report.latenessP99Nanoseconds) / 1e6,
                         Double(report.latenessMaxNanoseconds) / 1e6))
            if report.errorsSkipped > 0 { print("skipped \(report.errorsSkipped) buffers recorded with status error (--errors send sends them)") }
            if report.stoppedBySignal { print("stopped by signal after \(report.loopsCompleted) complete loops") }
        }
    }

    private func split(_ target: String) -> (stream: String?, device: String) {
        guard let equals = target.firstIndex(of: "=") else { return (nil, target) }
        return (String(target[..<equals]), String(target[target.index(after: equals)...]))
    }
}
