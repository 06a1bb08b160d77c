import ArgumentParser
import CamrecInspect
import CamrecStore
import Foundation

struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write recorded buffers to files: raw, PPM, PNG, Y4M or MCAP.",
        discussion: """
            The output's extension picks the type:
              .raw   the exact recorded bytes, planes concatenated in plane order
              .ppm   RGB24 (libv4lconvert), binary Netpbm
              .png   RGB24 (libv4lconvert), PNG (libpng)
              .y4m   a YUV stream's buffers as YUV4MPEG2, for ffmpeg and mpv
              .mcap  every stream (or each --stream) as indexed MCAP for Foxglove and fleet tools: zstd \
            chunks, protobuf foxglove.RawImage/CompressedImage/CompressedVideo with the recorded bytes, \
            camrec.Buffer metadata per buffer, drops and notes on /camrec/events
            One buffer: --stream S --sequence N. Every buffer of a stream: --all, with {sequence} in the \
            output name for .raw/.ppm/.png. .y4m takes every buffer of --stream (or --sequence A..B). \
            .mcap takes every buffer, or a window: --time A..B (seconds from the first buffer) and/or \
            --sequence A..B; --level sets its zstd level (3, as record), --device-name the device \
            Foxglove files it under (the recording's host), --log-time wall puts log times on the \
            calendar instead of the recorded clock. Progress is shown on a terminal.

            Examples:
              camrec export demo.camrec --stream main --sequence 10 -o frame10.png
              camrec export demo.camrec --stream preview --all -o frames/preview-{sequence}.ppm
              camrec export demo.camrec --stream main -o main.y4m
              camrec export demo.camrec -o demo.mcap
              camrec export demo.camrec -o window.mcap --stream main --stream meta --time 1.5..2.5 --device-name rig-7
            """)

    @Argument(help: "The recording folder.")
    var recording: String

    @Option(help: "The stream (name or number). Required except for .mcap, where it is repeatable (default: every stream).")
    var stream: [String] = []

    @Option(help: ArgumentHelp("The buffer's sequence number, 0 to \(UInt32.max) (a range A..B for .y4m and .mcap).", valueName: "N"))
    var sequence: RangeArgument<Int64>?

    @Option(help: ArgumentHelp(".mcap: only buffers in this time range, in seconds from the first buffer (\(Frames.timeLimit.text)).",
                               valueName: "A..B"))
    var time: RangeArgument<Double>?

    @Option(help: ".mcap: zstd compression level of the chunks, \(Self.levelLimit.text) (record's default is 3).")
    var level: Int32 = 3

    @Option(help: ".mcap: the device name Foxglove files the export under (default: the recording's host).")
    var deviceName: String?

    @Option(help: ArgumentHelp(".mcap: the clock of log times: recorded (the buffers' timestamps, as info shows them) or "
                               + "wall (calendar time, so many rigs' exports line up).", valueName: "recorded|wall"))
    var logTime: MCAPLogClock = .recorded

    static let levelLimit = NumberLimit<Int32>(option: "--level", range: 1...19, unit: "")

    @Flag(help: "Every buffer of the stream.")
    var all = false

    @Option(name: [.short, .customLong("output")], help: "The file to write; its extension picks the type.")
    var output: String

    @Flag(help: "Replace output files that exist.")
    var force = false

    var fileType: ExportFileType? { ExportFileType(path: output) }

    func validate() throws {
        guard let fileType else {
            throw ValidationError("-o/--output must end in .raw, .ppm, .png, .y4m or .mcap (it picks the type), e.g. -o frame.png.")
        }
        if fileType != .mcap {
            if stream.count > 1 { throw ValidationError("give one --stream for .\(fileType.rawValue); only .mcap takes several.") }
            if time != nil { throw ValidationError("--time applies to .mcap; for .y4m give --sequence A..B.") }
            if deviceName != nil { throw ValidationError("--device-name applies to .mcap only.") }
            if logTime != .recorded { throw ValidationError("--log-time applies to .mcap only.") }
        }
        try Self.levelLimit.check(level)
        try Frames.timeLimit.check(time?.lower)
        try Frames.timeLimit.check(time?.upper)
        switch fileType {
        case .raw, .ppm, .png:
            guard !stream.isEmpty else { throw ValidationError("--stream is required for .\(fileType.rawValue); `camrec info` lists the streams.") }
            if all == (sequence != nil) {
                throw ValidationError("give either --sequence N (one buffer) or --all (every buffer of the stream).")
            }
            if let sequence, sequence.lower != sequence.upper {
                throw ValidationError("--sequence takes one number for .\(fileType.rawValue); use --all, or .y4m for a range.")
            }
            if let number = sequence?.lower, UInt32(exactly: number) == nil {
                throw ValidationError("--sequence must be from 0 to \(UInt32.max), not \(number).")
            }
            if all && !output.contains("{sequence}") {
                throw ValidationError("with --all, put {sequence} in the output name, e.g. -o frames/main-{sequence}.\(fileType.rawValue).")
            }
        case .y4m:
            guard !stream.isEmpty else { throw ValidationError("--stream is required for .y4m; `camrec info` lists the streams.") }
        case .mcap:
            break
        }
    }

    func run() throws {
        guard let fileType else { return }
        let reader = try RecordingReader(path: recording)
        noteIfStillRecording(reader)
        let exporter = FrameExporter(reader: reader)
        let progress = ProgressLine(label: "export")
        defer { progress.finish() }
        do {
            switch fileType {
            case .raw, .ppm, .png:
                let description = try exporter.stream(named: stream.first ?? "")
                if all {
                    let count = try exporter.exportAll(stream: description, as: fileType, pattern: output, replace: force,
                                                       progress: progress.update)
                    progress.finish()
                    printError("camrec: wrote \(count) .\(fileType.rawValue) files of \(description.name) to \(output)")
                } else {
                    let number = sequence?.lower ?? 0
                    guard let value = UInt32(exactly: number) else {
                        throw CommandFailure("--sequence must be between 0 and \(UInt32.max), not \(number).")
                    }
                    let bytes = try exporter.export(stream: description, sequence: value, as: fileType, to: output, replace: force)
                    printError("camrec: wrote \(bytes) bytes of \(description.name) sequence \(value) "
                               + "(\(description.format.pixelFormat) \(description.format.width)x\(description.format.height)) to \(output)")
                }
            case .y4m:
                let description = try exporter.stream(named: stream.first ?? "")
                let range = sequence.map { ($0.lower ?? Int64.min)...($0.upper ?? Int64.max) }
                let count = try exporter.exportY4M(stream: description, sequences: range, to: output, replace: force,
                                                   progress: progress.update)
                progress.finish()
                printError("camrec: wrote \(count) frames of \(description.name) to \(output)")
            case .mcap:
                var options = MCAPExportOptions()
                options.streams = try stream.map { name throws(InspectError) in try exporter.stream(named: name) }
                options.sequences = sequence.map { ($0.lower ?? Int64.min)...($0.upper ?? Int64.max) }
                if let time {
                    options.timestamps = time.timestamps(from: try FrameQuery.firstTimestamp(of: reader) ?? 0)
                }
                options.compressionLevel = level
                options.deviceName = deviceName
                options.logClock = logTime
                let result = try MCAPExporter(reader: reader).export(to: output, replace: force, options: options,
                                                                     progress: progress.update)
                progress.finish()
                printError("camrec: wrote \(result.messages) messages (\(result.buffers) buffers, \(result.events) events) to \(output)")
            }
        } catch let error as InspectError {
            throw CommandFailure(error.description)
        }
    }
}

extension MCAPLogClock: ExpressibleByArgument {}
