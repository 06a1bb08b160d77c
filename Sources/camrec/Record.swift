import ArgumentParser
import CamrecEngine
import CamrecInspect
import CamrecStore
import Foundation

struct Record: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Record multi-stream frames into a recording folder.",
        discussion: """
            With no -d/--device, camrec records the built-in synthetic camera (a 1280x720 NV12 'main' \
            stream, a 320x180 YUYV 'preview' stream and a 64-byte metadata stream of one simulated sensor) \
            and says so on stderr. Stop with Ctrl-C (SIGINT) or SIGTERM: the recording is closed cleanly.

            Examples:
              camrec record -o demo.camrec --frames 90
              camrec record -o long.camrec --duration 10 --level 1
              camrec record -o faults.camrec --frames 60 --synthetic-drop-every 10 --synthetic-error-every 7
            """)

    @Option(name: [.short, .customLong("output")], help: "The recording folder to create (NAME.camrec).")
    var output: String

    @Flag(help: "Record the built-in synthetic camera.")
    var synthetic = false

    @Option(help: "Stop after N buffers of every stream.")
    var frames: Int?

    @Option(help: "Stop after this many seconds.")
    var duration: Double?

    @Option(help: "zstd compression level, 1 (fastest) to 19.")
    var level: Int32 = 3

    @Option(help: "Compression threads (default: one per core).")
    var workers: Int?

    @Option(help: "Roll chunks over at this size, in MiB.")
    var chunkSize: Int = 64

    @Option(help: "Roll chunks over after this many seconds.")
    var chunkDuration: Double = 1

    @Flag(help: "Replace the output if it is an existing recording.")
    var force = false

    @OptionGroup(title: "Synthetic camera")
    var syntheticOptions: SyntheticCameraOptions

    func validate() throws {
        if let frames, frames <= 0 { throw ValidationError("--frames must be a positive number of buffers, not \(frames).") }
        if let duration, !(duration > 0) { throw ValidationError("--duration must be a positive number of seconds, not \(duration).") }
        if !(1...19).contains(level) { throw ValidationError("--level must be a zstd level from 1 to 19, not \(level).") }
        if let workers, !(1...256).contains(workers) { throw ValidationError("--workers must be between 1 and 256, not \(workers).") }
        if chunkSize <= 0 { throw ValidationError("--chunk-size must be a positive number of MiB, not \(chunkSize).") }
        if !(chunkDuration > 0) { throw ValidationError("--chunk-duration must be a positive number of seconds.") }
        if output.isEmpty { throw ValidationError("-o/--output needs a path, e.g. -o demo.camrec.") }
        try syntheticOptions.validate()
    }

    func run() throws {
        try checkOutput(output, replace: force)
        let source: any FrameSource = SyntheticCamera(options: syntheticOptions.cameraOptions())
        printError("camrec: recording the synthetic camera (no -d/--device given): "
                   + source.streams.map { "\($0.name) \($0.format.fourcc) \($0.format.width)x\($0.format.height)" }
                       .joined(separator: ", "))
        var options = Recorder.Options(outputPath: output)
        options.replaceExisting = force
        options.compressionLevel = level
        if let workers { options.workers = workers }
        options.frameLimit = frames
        options.durationSeconds = duration
        options.chunkSizeLimit = Int64(chunkSize) << 20
        options.chunkDurationNanoseconds = Int64(chunkDuration * 1e9)
        try record(source: source, options: options)
    }

    /// Runs the recorder with a live status line on a terminal, then prints the summary.
    func record(source: any FrameSource, options: Recorder.Options) throws {
        installStopHandlers()
        let status = StatusLine(enabled: isatty(STDERR_FILENO) == 1)
        let summary: Recorder.Summary
        do {
            summary = try Recorder(source: source, options: options).run { status.show($0) }
        } catch {
            status.finish()
            throw CommandFailure("\(error)")
        }
        status.finish()
        printError("camrec: \(summary.stopReason); \(summary.buffers) buffers in \(String(format: "%.1f", summary.seconds)) s")
        let reader = try RecordingReader(path: summary.path)
        print(OverviewFormatting.text(try RecordingOverview(reader: reader)), terminator: "")
    }
}

/// Options of the built-in synthetic camera.
struct SyntheticCameraOptions: ParsableArguments {
    @Option(help: "Size of the synthetic main stream, WxH.")
    var syntheticSize: String = "1280x720"

    @Option(help: "Frame rate of the synthetic camera.")
    var syntheticFps: Double = 30

    @Flag(help: "Deliver synthetic frames as fast as they are recorded (timestamps stay nominal).")
    var syntheticUnpaced = false

    @Option(help: "Inject a driver drop (a sequence gap) every N frames.")
    var syntheticDropEvery: Int?

    @Option(help: "Mark every Nth main-stream buffer with V4L2_BUF_FLAG_ERROR.")
    var syntheticErrorEvery: Int?

    func validate() throws {
        guard parsedSize() != nil else {
            throw ValidationError("--synthetic-size must be WIDTHxHEIGHT with even numbers from 16 to 8192, e.g. 640x480; got '\(syntheticSize)'.")
        }
        if !(syntheticFps > 0 && syntheticFps <= 1000) { throw ValidationError("--synthetic-fps must be between 0 and 1000.") }
        if let every = syntheticDropEvery, every < 2 { throw ValidationError("--synthetic-drop-every must be 2 or more.") }
        if let every = syntheticErrorEvery, every < 1 { throw ValidationError("--synthetic-error-every must be 1 or more.") }
    }

    func parsedSize() -> (width: UInt32, height: UInt32)? {
        let parts = syntheticSize.lowercased().split(separator: "x")
        guard parts.count == 2, let width = UInt32(parts[0]), let height = UInt32(parts[1]),
              (16...8192).contains(width), (16...8192).contains(height), width % 2 == 0, height % 2 == 0 else { return nil }
        return (width, height)
    }

    func cameraOptions() -> SyntheticCamera.Options {
        var options = SyntheticCamera.Options()
        if let size = parsedSize() {
            options.mainWidth = size.width
            options.mainHeight = size.height
            options.previewWidth = max(16, size.width / 4 & ~1)
            options.previewHeight = max(16, size.height / 4 & ~1)
        }
        options.framesPerSecond = syntheticFps
        options.unpaced = syntheticUnpaced
        options.dropEvery = syntheticDropEvery
        options.errorEvery = syntheticErrorEvery
        return options
    }
}

/// SIGINT and SIGTERM ask the recorder to stop; it then closes the recording cleanly.
func installStopHandlers() {
    let handler: @convention(c) (Int32) -> Void = { _ in
        StopSignal.requested.store(true, ordering: .relaxed)
    }
    signal(SIGINT, handler)
    signal(SIGTERM, handler)
    // A parent may have started us with these signals blocked (the mask is inherited); unblock
    // them, before any thread starts, so they reach the handler.
    var signals = sigset_t()
    sigemptyset(&signals)
    sigaddset(&signals, SIGINT)
    sigaddset(&signals, SIGTERM)
    pthread_sigmask(SIG_UNBLOCK, &signals, nil)
}

/// Checks an output path before anything starts, so a bad one costs one clear line and no device time.
func checkOutput(_ path: String, replace: Bool) throws {
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
        guard replace else {
            throw CommandFailure("\(path) already exists; choose another output, or pass --force to replace it.")
        }
        guard isDirectory.boolValue, FileManager.default.fileExists(atPath: path + "/index.sqlite") else {
            throw CommandFailure("\(path) exists and is not a camrec recording; --force replaces recordings only. "
                                 + "Choose another output.")
        }
    }
    let parent = (path as NSString).deletingLastPathComponent
    let folder = parent.isEmpty ? "." : parent
    guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
        throw CommandFailure("cannot create \(path): \(folder) is not an existing folder.")
    }
    guard access(folder, W_OK) == 0 else {
        throw CommandFailure("cannot create \(path): \(String(cString: strerror(errno))) (errno \(errno)) on \(folder); "
                             + "choose a folder you can write to.")
    }
}
