import ArgumentParser
import CamrecEngine
import CamrecInspect
import CamrecStore
import Foundation
import V4L2

struct Record: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Record multi-stream frames into a recording folder.",
        discussion: """
            -d/--device records V4L2 capture nodes (video or metadata), each optionally with a format \
            (DEV:WxH:FOURCC, DEV:FOURCC or DEV:WxH); repeat it to record several nodes into one recording, \
            their buffers grouped into requests by equal sequence and timestamp, else by timestamp \
            within --request-tolerance, else one buffer per request. With no -d, camrec records the \
            first video capture node, or the built-in synthetic camera when there is none (a 1280x720 \
            NV12 'main' stream, a 320x180 YUYV 'preview' stream and a 64-byte metadata stream of one \
            simulated sensor), and says which on stderr. Stop with Ctrl-C (SIGINT) or SIGTERM: the \
            recording is closed cleanly. A device that fails or disappears while recording (unplugged, \
            its driver unloaded) ends the recording the same way: everything captured so far is kept, a \
            note says why it stopped, and camrec exits 0; a device that cannot start is an error (exit 1) \
            and leaves no recording.

            Examples:
              camrec record -d /dev/video0:640x360:YUYV -d /dev/video2 -o vivid.camrec --frames 60
              camrec record -d /dev/video4:NM12 --memory dmabuf --export-device /dev/video8 -o mp.camrec --frames 10
              camrec record -o demo.camrec --frames 90 --synthetic
              camrec record -o long.camrec --duration 10 --level 1
              camrec record -o faults.camrec --frames 60 --synthetic-drop-every 10 --synthetic-error-every 7
            """)

    @Option(name: [.short, .customLong("output")], help: "The recording folder to create (NAME.camrec).")
    var output: String

    @Option(name: [.short, .customLong("device")], help: ArgumentHelp(
        "A V4L2 capture node to record, optionally with a format; repeatable.", valueName: "DEV[:WxH][:FOURCC]"))
    var devices: [String] = []

    @Flag(help: "Record the built-in synthetic camera.")
    var synthetic = false

    @Option(help: "Buffers to request per node (VIDIOC_REQBUFS count).")
    var buffers: Int = 4

    @Option(help: "Buffer memory: mmap, or dmabuf (buffers exported by --export-device, imported by the capture node).")
    var memory: String = "mmap"

    @Option(help: "With --memory dmabuf: the node whose exported buffers the capture nodes import.")
    var exportDevice: String?

    @Flag(help: "Record even when a device adjusts the requested format (what it offered is recorded).")
    var acceptAdjustedFormat = false

    @Option(help: "Group buffers of different nodes into one request when their timestamps are this close, in ms.")
    var requestTolerance: Double = 2

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
        if synthetic && !devices.isEmpty { throw ValidationError("--synthetic and -d/--device exclude each other; choose one.") }
        if !(1...32).contains(buffers) { throw ValidationError("--buffers must be between 1 and 32, not \(buffers).") }
        if memory != "mmap" && memory != "dmabuf" { throw ValidationError("--memory must be mmap or dmabuf, not '\(memory)'.") }
        if memory == "dmabuf" && exportDevice == nil {
            throw ValidationError("--memory dmabuf needs --export-device DEV: the node whose buffers are exported "
                                  + "(this kernel has no DMA heaps), e.g. --export-device /dev/video8 for vim2m.")
        }
        if memory == "mmap" && exportDevice != nil { throw ValidationError("--export-device only goes with --memory dmabuf.") }
        if !(requestTolerance >= 0) { throw ValidationError("--request-tolerance must be 0 or more milliseconds.") }
        for device in devices { _ = try DeviceArgument(device) }
    }

    func run() throws {
        try checkOutput(output, replace: force)
        var arguments = try devices.map { try DeviceArgument($0) }
        if arguments.isEmpty && !synthetic {
            // As v4l2-ctl defaults to /dev/video0: the first video capture node, if there is one.
            let capture: DeviceCapabilities = [.videoCapture, .videoCaptureMultiplanar]
            if let first = DeviceDiscovery.videoNodes().first(where: {
                guard let info = $0.info else { return false }
                return !info.nodeCapabilities.isDisjoint(with: capture) && info.nodeCapabilities.isDisjoint(with: [.videoMemoryToMemory, .videoMemoryToMemoryMultiplanar])
            }) {
                printError("camrec: no -d/--device given; recording the first video capture node, \(first.path) "
                           + "(\(first.info?.driver ?? "?"): \(first.name ?? first.info?.card ?? "?")); --synthetic records the synthetic camera")
                arguments = [DeviceArgument(path: first.path, format: nil)]
            }
        }
        let source: any FrameSource
        if arguments.isEmpty {
            source = SyntheticCamera(options: syntheticOptions.cameraOptions())
            printError("camrec: recording the synthetic camera" + (synthetic ? "" : " (no -d/--device given and no V4L2 capture node found)")
                       + ": " + source.streams.map { "\($0.name) \($0.format.fourcc) \($0.format.width)x\($0.format.height)" }
                           .joined(separator: ", "))
        } else {
            let captureMemory: V4L2CaptureSource.CaptureMemory = exportDevice.map { .dmabuf(exporterPath: $0) } ?? .mmap
            do {
                source = try V4L2CaptureSource(
                    nodes: arguments.map {
                        V4L2CaptureSource.Node(path: $0.path, format: $0.format, bufferCount: buffers, memory: captureMemory)
                    },
                    options: V4L2CaptureSource.Options(acceptAdjustedFormat: acceptAdjustedFormat))
            } catch {
                throw CommandFailure("\(error)")
            }
            printError("camrec: recording " + source.streams.map {
                "\($0.device?.path ?? $0.name) as '\($0.name)' (\($0.format.fourcc) \($0.format.width)x\($0.format.height))"
            }.joined(separator: ", "))
        }
        var options = Recorder.Options(outputPath: output)
        options.replaceExisting = force
        options.compressionLevel = level
        if let workers { options.workers = workers }
        options.frameLimit = frames
        options.durationSeconds = duration
        options.chunkSizeLimit = Int64(chunkSize) << 20
        options.chunkDurationNanoseconds = Int64(chunkDuration * 1e9)
        options.requestToleranceNanoseconds = Int64(requestTolerance * 1e6)
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
        if let failure = (source as? V4L2CaptureSource)?.startFailure {
            // No node streamed, so nothing was captured: a device error, not an empty recording.
            // (Streaming starts only once the recording exists, so that the first buffers find the
            // writer ready; the empty recording is removed here instead.)
            try? FileManager.default.removeItem(atPath: summary.path)
            throw CommandFailure("\(failure)")
        }
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

/// `-d DEV[:WxH][:FOURCC]`: a capture node and the format to ask it for.
struct DeviceArgument {
    var path: String
    var format: V4L2CaptureSource.RequestedFormat?

    init(path: String, format: V4L2CaptureSource.RequestedFormat?) {
        self.path = path
        self.format = format
    }

    init(_ text: String) throws {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard let path = parts.first, !path.isEmpty else {
            throw ValidationError("-d needs a device node, e.g. -d /dev/video0 or -d /dev/video0:640x360:YUYV; got '\(text)'.")
        }
        self.path = path
        var width: UInt32?
        var height: UInt32?
        var fourcc: FourCC?
        for part in parts.dropFirst() {
            let size = part.lowercased().split(separator: "x")
            if size.count == 2, let w = UInt32(size[0]), let h = UInt32(size[1]), w > 0, h > 0, width == nil {
                width = w
                height = h
            } else if let code = FourCC(part), part.count == 4, fourcc == nil {
                fourcc = code
            } else {
                throw ValidationError("-d \(text): '\(part)' is neither a size (640x360) nor a four-character format (YUYV); "
                                      + "write DEV:WxH:FOURCC.")
            }
        }
        format = width == nil && fourcc == nil ? nil
            : V4L2CaptureSource.RequestedFormat(width: width, height: height, fourcc: fourcc)
    }
}
