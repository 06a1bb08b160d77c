import ArgumentParser
import CamrecInspect
import CamrecStore
import Foundation
import V4L2Vocabulary

struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Build a recording from what another tool captured: a y4m file or a v4l2-ctl --stream-to file.",
        discussion: """
            The input's type comes from its extension or --type:
              y4m            YUV4MPEG2 (.y4m), as ffmpeg, mpv and `camrec export` write it: the size, rate and \
            chroma come from its header (4:2:0 becomes YU12, 4:2:2 422P, mono GREY)
              v4l2-ctl       raw frames back to back, as `v4l2-ctl --stream-to FILE` writes them: give --format
              v4l2-ctl-hdr   `v4l2-ctl --stream-to-hdr FILE`: each frame and plane with its length
            The frames keep their exact bytes; sequence numbers count from 0 and timestamps follow the frame \
            rate (the y4m header's, else --fps, else 30). The new recording is verified before camrec says it \
            is done; it replays paced into a device like any recording.

            Examples:
              v4l2-ctl -d /dev/video0 --set-fmt-video width=640,height=480,pixelformat=YUYV \\
                  --stream-mmap --stream-count 100 --stream-to cap.raw
              camrec import cap.raw --format 640x480:YUYV --fps 30 -o cap.camrec
              camrec import clip.y4m -o clip.camrec
              camrec replay clip.camrec --to /dev/video5
            """)

    @Argument(help: "The file to import.")
    var input: String

    @Option(name: [.short, .customLong("output")], help: "The recording folder to create (NAME.camrec).")
    var output: String

    @Option(help: ArgumentHelp("The input's type: y4m, v4l2-ctl or v4l2-ctl-hdr (default: y4m for .y4m files, else v4l2-ctl).",
                               valueName: "TYPE"))
    var type: String?

    @Option(help: ArgumentHelp("v4l2-ctl files: the frames' size and pixel format, as the capture was set (640x480:YUYV).",
                               valueName: "WxH:FOURCC"))
    var format: String?

    @Option(help: "Frames per second of the timestamps, \(Self.fpsLimit.text) (default: the y4m header's rate, else 30).")
    var fps: Double?

    @Option(help: "The stream's name in the recording.")
    var stream = "main"

    @Option(help: "zstd compression level, 1 (fastest) to 19.")
    var level: Int32 = 3

    @Flag(help: "Replace the output if it is an existing recording.")
    var force = false

    static let fpsLimit = NumberLimit(option: "--fps", range: 0.001...1_000_000, unit: "")
    static let levelLimit = NumberLimit<Int32>(option: "--level", range: 1...19, unit: "")

    func validate() throws {
        try Self.fpsLimit.check(fps)
        try Self.levelLimit.check(level)
        if output.isEmpty { throw ValidationError("-o/--output needs a path, e.g. -o imported.camrec.") }
        if stream.isEmpty { throw ValidationError("--stream needs a name, e.g. --stream main.") }
        if let format { _ = try Self.parseFormat(format) }
        if let type, RecordingImport.SourceKind(rawValue: type) == nil {
            throw ValidationError("--type must be one of \(RecordingImport.SourceKind.allCases.map(\.rawValue).joined(separator: ", ")), not '\(type)'.")
        }
    }

    /// "640x480:YUYV" (either order).
    static func parseFormat(_ text: String) throws -> VideoFormat {
        var width: UInt32?
        var height: UInt32?
        var fourcc: PixelFormat?
        for part in text.split(separator: ":").map(String.init) {
            let size = part.lowercased().split(separator: "x")
            if size.count == 2, let w = UInt32(size[0]), let h = UInt32(size[1]) {
                (width, height) = (w, h)
            } else if let code = PixelFormat(part), part.count == 4 || code.isBigEndianVariant {
                fourcc = code
            }
        }
        guard let width, let height, let fourcc else {
            throw ValidationError("--format \(text): write WxH:FOURCC, e.g. --format 640x480:YUYV.")
        }
        do {
            return try ImportedFrameLayout.format(fourcc, width: width, height: height)
        } catch {
            throw ValidationError("--format \(text): \(error)")
        }
    }

    func run() throws {
        let kind = type.flatMap(RecordingImport.SourceKind.init(rawValue:))
            ?? (input.lowercased().hasSuffix(".y4m") ? .y4m : .v4l2Raw)
        if kind == .y4m && format != nil {
            throw ValidationError("--format is for v4l2-ctl files; a y4m file states its own format.")
        }
        try checkOutput(output, replace: force)
        do {
            let importer = try RecordingImport(path: input, kind: kind, format: try format.map(Self.parseFormat))
            let rate = fps ?? importer.statedFramesPerSecond ?? 30
            let progress = ProgressLine(label: "import")
            defer { progress.finish() }
            let summary = try importer.write(to: output, stream: stream, framesPerSecond: rate, level: level,
                                             commandLine: CommandLine.arguments.joined(separator: " "), replace: force) {
                progress.update(done: $0, total: $0)
            }
            progress.finish()
            guard summary.frames > 0 else {
                throw CommandFailure("\(input) holds no frame; the recording \(output) is empty.")
            }
            printError("camrec: imported \(summary.frames) frames of \(summary.format.pixelFormat) "
                       + "\(summary.format.width)x\(summary.format.height) at \(rate) fps (\(summary.rawBytes) bytes) into \(output); verified")
        } catch let error as ImportError {
            throw CommandFailure("\(error)")
        }
    }
}
