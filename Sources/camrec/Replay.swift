import ArgumentParser
import CamrecEngine
import CamrecStore
import Foundation
import V4L2
import V4L2Vocabulary

struct Replay: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Send a recording back into devices, paced like the original.",
        discussion: """
            Each buffer is queued with its recorded bytesused and data offset per plane, timestamp and \
            field, at the time its recorded timestamp says (absolute deadlines on CLOCK_MONOTONIC). \
            TARGET is a V4L2 output node (video or metadata output, the output side of an M2M or ISP \
            node; single- or multi-planar) or `null` (takes everything at once: pacing without a \
            device). The recorded format is set on the target's output queue first; when the device \
            adjusts it, camrec says what was recorded and what the device offers, and stops before \
            queueing anything. The buffers of one recorded request are queued together.

            The device numbers output buffers itself (V4L2 ignores the sequence on VIDIOC_QBUF); an M2M \
            device copies each buffer's timestamp to the frame it produces, so with --capture-to every \
            captured frame carries the recorded timestamp of its input. The capture recording names its \
            source recording and device; compare it with `camrec diff --pair timestamp`.

            --memory dmabuf imports buffers exported by --export-device (VIDIOC_EXPBUF on its capture \
            queue, or its output queue when it has none), as `v4l2-ctl --stream-dmabuf --export-device` does; \
            --dmabuf-planes shared puts every plane of a multi-planar buffer in one DMABUF at offsets.

            Codecs follow the kernel's interfaces (dev-encoder.rst, dev-decoder.rst, \
            dev-stateless-decoder.rst), decided when the target opens: an encoder gets the raw frames \
            (a coded size larger than the recorded one takes the recorded size as its crop), a stateful \
            decoder the compressed buffers with their recorded bytesused, its capture side set up after \
            V4L2_EVENT_SOURCE_CHANGE (again at a resolution change, as a new stream), a stateless \
            decoder one frame per media request with its parameters. The end is a drain \
            (V4L2_ENC_CMD_STOP / V4L2_DEC_CMD_STOP, then capture until V4L2_BUF_FLAG_LAST), never a \
            timeout. Without --capture-format the capture side takes the output's format when the \
            device accepts it, else the device's choice (a decoder: preferring the raw format the \
            compressed recording came from); camrec says which on stderr. --set-ctrl sets controls \
            (v4l2-ctl names) before streaming; they are noted in the capture recording. --restore-controls \
            sets the controls recorded when the recording started (`camrec info --controls`) on each \
            target where a control of the same name exists, before --set-ctrl; stderr says which were \
            restored, which skipped (not on the target, read-only, inactive, disabled, another type, a \
            string or compound value) and which the target refused. --lockstep \
            queues each buffer only after the device produced the capture buffer for the previous one, \
            so a regression run does not depend on the machine's load.

            Examples:
              camrec replay demo.camrec --stream main --to null
              camrec replay demo.camrec --to main=null --to meta=null --rate 2 --loop 3
              camrec replay demo.camrec --stream main --to null --from 30 --until 2.5s
              camrec replay cam.camrec --to /dev/video1 --json
              camrec replay cam.camrec --to video=/dev/video1 --to params=/dev/video3
              camrec replay rgb.camrec --to /dev/video8 --capture-to out.camrec \\
                  --capture-format 320x240:RGB3
              camrec replay rgb.camrec --to /dev/video8 --capture-to out.camrec \\
                  --memory dmabuf --export-device /dev/video0 --as-fast-as-possible
              camrec diff rgb.camrec out.camrec --pair timestamp
              camrec replay raw.camrec --to /dev/video12 --capture-to enc.camrec --set-ctrl video_gop_size=10
              camrec replay enc.camrec --to /dev/video13 --capture-to dec.camrec --lockstep
            """)

    /// `--memory`: where the output queue's buffers come from.
    enum Memory: String, ExpressibleByArgument, CaseIterable {
        case mmap
        case dmabuf
    }

    @Argument(help: "The recording folder.")
    var recording: String

    @Option(name: .customLong("to"), help: ArgumentHelp(
        "TARGET (/dev/videoN or null) for the only (or --stream) stream, or STREAM=TARGET, repeatable.",
        valueName: "[STREAM=]TARGET"))
    var targets: [String] = []

    @Option(help: "The stream to replay when --to names no stream.")
    var stream: String?

    @Option(help: "Speed factor: 2 plays twice as fast, 0.5 half as fast; \(Self.rateLimit.text).")
    var rate: Double = 1

    @Flag(help: "Send each buffer as soon as the device takes it.")
    var asFastAsPossible = false

    @Option(help: "Play the selection N times (\(Self.loopLimit.text)); 0 loops until Ctrl-C.")
    var loop: Int = 1

    @Option(help: "Start at \(Self.boundText).")
    var from: String?

    @Option(help: "Stop after \(Self.boundText).")
    var until: String?

    @Option(help: "Buffers recorded with status error: skip or send.")
    var errors: String = "skip"

    @Option(help: "Output buffers: mmap (the target's own) or dmabuf (exported by --export-device).")
    var memory: Memory = .mmap

    @Option(help: ArgumentHelp("With --memory dmabuf: the node whose buffers the targets import.", valueName: "DEV"))
    var exportDevice: String?

    @Option(help: ArgumentHelp("With --memory dmabuf: one DMABUF per plane (separate) or all planes of a buffer in one at offsets (shared).",
                               valueName: "separate|shared"))
    var dmabufPlanes: DMABufferLayout = .bufferPerPlane

    @Option(name: .customLong("set-ctrl"), help: ArgumentHelp("Set a control of the target before streaming (v4l2-ctl's name), repeatable.",
                                                            valueName: "NAME=VALUE"))
    var controls: [String] = []

    @Flag(help: "Set the controls recorded at the start on each target where names match, before --set-ctrl.")
    var restoreControls = false

    @Flag(help: "Queue each buffer only after the M2M target produced the capture buffer for the previous one.")
    var lockstep = false

    @Flag(help: "Replay even when a target sets the recorded colorimetry (colorspace, ycbcr-enc, quantization, xfer-func) otherwise; stderr says which fields changed.")
    var acceptAdjustedFormat = false

    @Option(help: "Buffers to request on each target's output queue, \(Self.buffersLimit.text).")
    var buffers: Int = 4

    @Option(help: ArgumentHelp("Record what the M2M target produces into this new recording.", valueName: "OUT.camrec"))
    var captureTo: String?

    @Option(help: ArgumentHelp("The M2M capture format (default: the device's current one).", valueName: "[WxH:]FOURCC"))
    var captureFormat: String?

    @Flag(help: "Replace --capture-to if it is an existing recording.")
    var force = false

    @Flag(help: "Print the report as JSON.")
    var json = false

    /// Deadlines are recorded offsets divided by the rate, in Int64 nanoseconds: a rate of 0.001
    /// stretches a recording by a thousand, and no pacing is finer than 1000 times as fast.
    static let rateLimit = NumberLimit(option: "--rate", range: 0.001...1000, unit: "")
    static let loopLimit = NumberLimit(option: "--loop", atLeast: 0, unit: "")
    static let buffersLimit = NumberLimit(option: "--buffers", range: 1...32, unit: "")
    /// What --from and --until take.
    static let boundText = "a sequence number from 0 to \(UInt32.max) (120) or a time after the first buffer "
        + "from 0 to \(Int64.max / 1_000_000_000) s (2.5s, 500ms)"

    func validate() throws {
        if targets.isEmpty { throw ValidationError("--to is required: a device node (/dev/video2) or null, or STREAM=TARGET.") }
        try Self.rateLimit.check(rate)
        try Self.loopLimit.check(loop)
        if let from, ReplayBound(from) == nil { throw ValidationError("--from must be \(Self.boundText), not '\(from)'.") }
        if let until, ReplayBound(until) == nil { throw ValidationError("--until must be \(Self.boundText), not '\(until)'.") }
        if Replayer.ErrorPolicy(rawValue: errors) == nil { throw ValidationError("--errors must be skip or send, not '\(errors)'.") }
        if memory == .dmabuf && exportDevice == nil {
            throw ValidationError("--memory dmabuf needs --export-device DEV: the node whose buffers the targets import (a capture node, say).")
        }
        if memory == .mmap && exportDevice != nil { throw ValidationError("--export-device is for --memory dmabuf; add --memory dmabuf or drop it.") }
        try Self.buffersLimit.check(buffers)
        if captureFormat != nil && captureTo == nil { throw ValidationError("--capture-format goes with --capture-to OUT.camrec.") }
        if let captureFormat, ReplayTargets.captureFormat(captureFormat) == nil {
            throw ValidationError("--capture-format must be FOURCC or WxH:FOURCC, e.g. RGB3 or 320x240:RGB3; got '\(captureFormat)'.")
        }
        if let captureTo, captureTo.isEmpty { throw ValidationError("--capture-to needs a path, e.g. --capture-to out.camrec.") }
        if captureTo != nil && loop == 0 { throw ValidationError("--capture-to needs a finite --loop: the capture recording closes when the replay ends.") }
        if lockstep && captureTo == nil {
            throw ValidationError("--lockstep waits for the capture side of an M2M target: add --capture-to OUT.camrec.")
        }
        if memory == .mmap && dmabufPlanes != .bufferPerPlane { throw ValidationError("--dmabuf-planes goes with --memory dmabuf.") }
        for control in controls where Self.controlSetting(control) == nil {
            throw ValidationError("--set-ctrl takes NAME=VALUE with an integer value, as v4l2-ctl -c does (e.g. video_gop_size=10); got '\(control)'.")
        }
    }

    func run() throws {
        if let captureTo { try checkOutput(captureTo, replace: force) }
        let reader = try RecordingReader(path: recording)
        var sinkOptions = V4L2OutputSink.Options(bufferCount: buffers)
        if memory == .dmabuf, let exportDevice { sinkOptions.memory = .dmabuf(exporterPath: exportDevice, layout: dmabufPlanes) }
        sinkOptions.controls = controls.compactMap(Self.controlSetting)
        if restoreControls {
            let recorded = try RecordedControls.load(from: reader.index).startValues
            if recorded.isEmpty {
                FileHandle.standardError.write(Data("camrec: --restore-controls: \(recording) has no recorded controls (made by an older camrec, or not from a V4L2 device)\n".utf8))
            }
            sinkOptions.restoredControls = recorded
        }
        sinkOptions.lockstep = lockstep
        sinkOptions.acceptAdjustedFormat = acceptAdjustedFormat
        let targets = try ReplayTargets(reader: reader, targets: self.targets, defaultStream: stream, sinkOptions: sinkOptions)
        let captureRoute = captureTo == nil ? nil : try targets.memoryToMemoryRoute()
        var options = Replayer.Options()
        options.rate = rate
        options.asFastAsPossible = asFastAsPossible
        options.loops = loop
        options.from = from.flatMap(ReplayBound.init)
        options.until = until.flatMap(ReplayBound.init)
        options.errors = Replayer.ErrorPolicy(rawValue: errors) ?? .skip
        options.stop = commandStopRequest
        installStopHandlers()
        var capture: M2MCaptureRecording?
        let report: Replayer.Report
        do {
            report = try Replayer(reader: reader, routes: targets.routes, options: options).run {
                for route in targets.deviceRoutes {
                    for note in route.sink.notes { FileHandle.standardError.write(Data("camrec: \(note)\n".utf8)) }
                }
                // The output format was accepted: only now set up and record the capture side.
                guard let captureTo, let captureRoute, let session = captureRoute.sink.session else { return }
                capture = try startCapture(into: captureTo, session: session, sinkNotes: captureRoute.sink.notes,
                                           preferred: Self.sourceRawFormat(of: reader))
            }
        } catch {
            if let capture {
                // Closes the capture recording with what the device produced before the failure.
                _ = try? capture.finish(failure: "\(error)")
            }
            throw CommandFailure("\(error)")
        }
        var captureReport: CaptureReport?
        if let capture, let captureTo, let captureRoute {
            let summary: Recorder.Summary
            do {
                summary = try capture.finish()
            } catch {
                throw CommandFailure("replay finished, but recording the capture side of \(captureRoute.sink.device.path) failed: \(error)")
            }
            captureReport = CaptureReport(path: captureTo, device: captureRoute.sink.device.path, sourceRecording: recording,
                                          buffers: summary.buffers, stopReason: summary.stopReason)
        }
        let targetReports = targets.deviceRoutes.map {
            TargetReport(stream: $0.streamName, device: $0.sink.device.path, statistics: $0.sink.statistics)
        }
        try print(report: report, targets: targetReports, capture: captureReport)
    }

    private func startCapture(into path: String, session: M2MSession, sinkNotes: [String], preferred: PixelFormat?) throws -> M2MCaptureRecording {
        var sourceOptions = M2MCaptureSource.Options(bufferCount: max(buffers, 4))
        sourceOptions.format = captureFormat.flatMap(ReplayTargets.captureFormat)
        sourceOptions.preferredPixelFormat = preferred
        let source = try M2MCaptureSource(session: session, options: sourceOptions)
        var options = Recorder.Options(outputPath: path)
        options.replaceExisting = force
        options.sourceRecording = recording
        options.sourceDevice = session.device.path
        options.startNotes = sinkNotes
        // Ctrl-C stops the capture recording with the replay that feeds it.
        options.stop = commandStopRequest
        return M2MCaptureRecording(source: source, session: session, options: options) { choices in
            for choice in choices { FileHandle.standardError.write(Data("camrec: \(path): \(choice)\n".utf8)) }
        }
    }

    /// The raw format a compressed recording came from: the only video stream of the recording
    /// it names as its source (`replay --capture-to` of an encoder), when that is still there.
    static func sourceRawFormat(of reader: RecordingReader) -> PixelFormat? {
        guard let source = reader.info.sourceRecording else { return nil }
        let base = (reader.path as NSString).deletingLastPathComponent
        for candidate in [source, (base as NSString).appendingPathComponent((source as NSString).lastPathComponent)] {
            guard let original = try? RecordingReader(path: candidate) else { continue }
            let video = original.streams.filter { $0.kind == .video }
            if video.count == 1, let only = video.first { return only.format.pixelFormat }
        }
        return nil
    }

    /// Parses `--set-ctrl NAME=VALUE`.
    static func controlSetting(_ text: String) -> ControlSetting? {
        let parts = text.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, let value = Int64(parts[1].trimmingCharacters(in: .whitespaces)) else { return nil }
        return ControlSetting(name: String(parts[0]), value: value)
    }

    private func print(report: Replayer.Report, targets: [TargetReport], capture: CaptureReport?) throws {
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            encoder.keyEncodingStrategy = .convertToSnakeCase
            Swift.print(String(decoding: try encoder.encode(ReplayOutput(report: report, targets: targets, capture: capture)),
                               as: UTF8.self))
            return
        }
        let target = report.targetRate.map { String(format: " (target %.2f)", $0) } ?? ""
        Swift.print(String(format: "sent %d buffers in %d requests in %.3f s: %.2f requests/s%@",
                           report.framesSent, report.requestsSent, report.durationSeconds, report.achievedRate, target))
        Swift.print(String(format: "lateness p50 %.3f ms, p99 %.3f ms, max %.3f ms",
                           Double(report.latenessP50Nanoseconds) / 1e6, Double(report.latenessP99Nanoseconds) / 1e6,
                           Double(report.latenessMaxNanoseconds) / 1e6))
        for target in targets {
            let statistics = target.statistics
            var line = "\(target.stream) -> \(target.device): queued \(statistics.queued), returned \(statistics.returned)"
            if statistics.returnedWithError > 0 { line += " (\(statistics.returnedWithError) flagged error)" }
            if statistics.heldAtEnd > 0 { line += ", \(statistics.heldAtEnd) held by the device until stream-off" }
            Swift.print(line)
        }
        if let capture {
            Swift.print("captured \(capture.buffers) buffers from \(capture.device) into \(capture.path): \(capture.stopReason)")
        }
        if report.errorsSkipped > 0 { Swift.print("skipped \(report.errorsSkipped) buffers recorded with status error (--errors send sends them)") }
        if report.stoppedBySignal { Swift.print("stopped by signal after \(report.loopsCompleted) complete loops") }
    }
}

/// What one device target did, in the replay report.
struct TargetReport: Encodable {
    var stream: String
    var device: String
    var statistics: V4L2OutputSink.Statistics
}

/// The recording `--capture-to` made, in the replay report.
struct CaptureReport: Encodable {
    var path: String
    var device: String
    var sourceRecording: String
    var buffers: Int64
    var stopReason: String
}

/// The `--json` report: the replayer's figures at the top level, plus the device targets and the capture.
struct ReplayOutput: Encodable {
    var report: Replayer.Report
    var targets: [TargetReport]
    var capture: CaptureReport?

    private enum CodingKeys: String, CodingKey {
        case targets
        case capture
    }

    func encode(to encoder: any Encoder) throws {
        try report.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(targets, forKey: .targets)
        try container.encodeIfPresent(capture, forKey: .capture)
    }
}

extension DMABufferLayout: ExpressibleByArgument {}
