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
            (DEV:WxH:FOURCC, DEV:FOURCC or DEV:WxH) and a frame rate (@15 frames per second, or @1/15 \
            seconds per frame, set with VIDIOC_S_PARM and refused when the device adjusts it, like a \
            format); repeat it to record several nodes into one recording, \
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
              camrec record -d /dev/video0:320x180:YUYV@15 --set-ctrl brightness=200 --skip 3 -o b.camrec --frames 30
              camrec record -d /dev/video4:NM12 --memory dmabuf --export-device /dev/video8 -o mp.camrec --frames 10
              camrec record -o demo.camrec --frames 90 --synthetic
              camrec record -o long.camrec --duration 10 --level 1
              camrec record -o faults.camrec --frames 60 --synthetic-drop-every 10 --synthetic-error-every 7
              camrec record -d /dev/video0 -o hunt.camrec --ring 10s --post 5s --trigger-on error-buffer --trigger-on sequence-gap>=2
              camrec record -d /dev/video0 -o soak.camrec --max-duration 10min --chunk-duration 5
            """)

    @Option(name: [.short, .customLong("output")], help: "The recording folder to create (NAME.camrec).")
    var output: String

    @Option(name: [.short, .customLong("device")], help: ArgumentHelp(
        "A V4L2 capture node to record, optionally with a format and a frame rate; repeatable.",
        valueName: "DEV[:WxH][:FOURCC][@FPS]"))
    var devices: [String] = []

    @Flag(help: "Record the built-in synthetic camera.")
    var synthetic = false

    @Option(help: "Buffers to request per node (VIDIOC_REQBUFS count), \(Self.buffersLimit.text).")
    var buffers: Int = 4

    @Option(help: "Buffer memory: mmap, or dmabuf (buffers exported by --export-device, imported by the capture node).")
    var memory: String = "mmap"

    @Option(help: "With --memory dmabuf: the node whose exported buffers the capture nodes import.")
    var exportDevice: String?

    @Flag(help: "Record even when a device adjusts the requested format or rate (what it offered is recorded).")
    var acceptAdjustedFormat = false

    @Option(name: .customLong("set-ctrl"), help: ArgumentHelp(
        "Set a control before streaming (v4l2-ctl's name), on the first -d node or on DEV; repeatable. Noted in the recording.",
        valueName: "[DEV:]NAME=VALUE"))
    var controls: [String] = []

    @Option(help: "Buffers to hand back unrecorded after each node starts streaming, while exposure settles (0 to 1000).")
    var skip: Int = 0

    @Option(help: ArgumentHelp("Group buffers of different nodes into one request when their timestamps are this close, "
                               + "\(Self.requestToleranceLimit.text)."))
    var requestTolerance: Double = 2

    @Option(help: "Stop after N buffers of every stream (\(Self.framesLimit.text)).")
    var frames: Int?

    @Option(help: "Stop after this many seconds, \(Self.durationLimit.text).")
    var duration: Double?

    @Option(help: "zstd compression level, 1 (fastest) to 19.")
    var level: Int32 = 3

    @Option(help: "Compression threads, \(Self.workersLimit.text) (default: one per core).")
    var workers: Int?

    @Option(name: .customLong("max-memory"), help: ArgumentHelp(
        "The most memory camrec may use while recording, \(Self.maxMemoryLimit.text) (a number with KiB, MiB or GiB; "
            + "a bare number is MiB). When the disk falls behind, buffers are dropped at capture (counted as recorder "
            + "drops, with a note of why) rather than held beyond it. Default: $CAMREC_MAX_MEMORY if set, else 64MiB.",
        valueName: "SIZE"))
    var maxMemoryOption: MemorySize?

    /// `--max-memory`, else `$CAMREC_MAX_MEMORY` (a board's own default, or a sanitizer run's), else 64 MiB.
    var maxMemory: MemorySize {
        get throws {
            if let maxMemoryOption { return maxMemoryOption }
            guard let text = ProcessInfo.processInfo.environment["CAMREC_MAX_MEMORY"], !text.isEmpty else {
                return MemorySize(bytes: Self.defaultMaxMemory, text: "64MiB")
            }
            guard let size = MemorySize(argument: text) else {
                throw ValidationError("CAMREC_MAX_MEMORY=\(text) is not a size; give e.g. CAMREC_MAX_MEMORY=128MiB, or unset it.")
            }
            return size
        }
    }

    @Option(help: "Roll chunks over at this size, \(Self.chunkSizeLimit.text).")
    var chunkSize: Int = 64

    @Option(help: "Roll chunks over after this many seconds, \(Self.chunkDurationLimit.text).")
    var chunkDuration: Double = 1

    static let buffersLimit = NumberLimit(option: "--buffers", range: 1...32, unit: "")
    /// More than a second apart is not one captured moment at any frame rate a camera runs at.
    static let requestToleranceLimit = NumberLimit(option: "--request-tolerance", range: 0.0...1000, unit: "ms")
    static let framesLimit = NumberLimit(option: "--frames", atLeast: 1, unit: "buffers")
    static let durationLimit = NumberLimit(option: "--duration", range: 0.001...1e9, unit: "seconds")
    static let levelLimit = NumberLimit<Int32>(option: "--level", range: 1...19, unit: "")
    static let workersLimit = NumberLimit(option: "--workers", range: 1...256, unit: "")
    /// `recover` reads a whole chunk into memory: a chunk stays a few GiB at most.
    static let chunkSizeLimit = NumberLimit(option: "--chunk-size", range: 1...4096, unit: "MiB")
    static let chunkDurationLimit = NumberLimit(option: "--chunk-duration", range: 0.001...86_400, unit: "seconds")
    /// Sized for small boards (512 MiB to 1 GiB of RAM): room for a few seconds of compressed
    /// frames at SD-card speeds besides camrec's own ~25 MiB.
    static let defaultMaxMemory = 64 << 20
    static let defaultPost = TimeSpan(nanoseconds: 5_000_000_000, text: "5s")
    static let maxMemoryLimit = NumberLimit(option: "--max-memory", range: 16...(1 << 20), unit: "MiB")

    @Option(help: ArgumentHelp(
        "Ring mode: keep only the newest window, a time (10s, 500ms, 2min) or a size with its unit (2GiB), in rolling "
            + "spool files on disk; save it around each trigger (--trigger-on, SIGUSR1, camrec trigger REC).",
        valueName: "SPAN|SIZE"))
    var ring: RingCapacityArgument?

    @Option(help: ArgumentHelp("With --ring: keep this long after each trigger (\(TimeSpan.rangeText); default 5s).",
                               valueName: "SPAN"))
    var post: TimeSpan?

    @Option(name: .customLong("trigger-on"), help: ArgumentHelp(
        "With --ring: fire a trigger on \(TriggerConditionArgument.spellings); repeatable.", valueName: "CONDITION"))
    var triggerOn: [TriggerConditionArgument] = []

    @Option(help: "With --ring: save at most this many events (\(Self.maxEventsLimit.text)); later triggers are counted and noted.")
    var maxEvents: Int?

    @Option(help: ArgumentHelp("With --ring: ignore triggers this soon after an event (\(TimeSpan.rangeText); default none).",
                               valueName: "SPAN"))
    var cooldown: TimeSpan?

    @Option(help: ArgumentHelp(
        "Keep at most this much of committed chunks (KiB, MiB, GiB; a bare number is MiB): the oldest chunks are "
            + "deleted, whole, and listed in the index's deleted_chunks. At least twice --chunk-size.", valueName: "SIZE"))
    var maxSize: MemorySize?

    @Option(help: ArgumentHelp(
        "Keep only the newest buffers of this long (\(TimeSpan.rangeText)), plus up to one chunk (--chunk-duration): "
            + "the oldest chunks are deleted, whole, and listed in the index's deleted_chunks.", valueName: "SPAN"))
    var maxDuration: TimeSpan?

    static let maxEventsLimit = NumberLimit(option: "--max-events", atLeast: 1, unit: "events")

    @Flag(help: "Replace the output if it is an existing recording, once the new one holds its first buffer (a device that fails to start leaves it untouched).")
    var force = false

    @OptionGroup(title: "Synthetic camera")
    var syntheticOptions: SyntheticCameraOptions

    func validate() throws {
        try Self.framesLimit.check(frames)
        try Self.durationLimit.check(duration)
        try Self.levelLimit.check(level)
        try Self.workersLimit.check(workers)
        try Self.chunkSizeLimit.check(chunkSize)
        try Self.chunkDurationLimit.check(chunkDuration)
        try Self.maxMemoryLimit.check(try maxMemory.bytes >> 20)
        if output.isEmpty { throw ValidationError("-o/--output needs a path, e.g. -o demo.camrec.") }
        try syntheticOptions.validate()
        try Self.maxEventsLimit.check(maxEvents)
        if let maxSize, maxSize.bytes < 2 * chunkSize << 20 {
            throw ValidationError("--max-size \(maxSize) is below twice --chunk-size (\(chunkSize) MiB): retention deletes whole "
                                  + "chunks, so keep room for two; lower --chunk-size or raise --max-size.")
        }
        if ring == nil && (post != nil || !triggerOn.isEmpty || maxEvents != nil || cooldown != nil) {
            throw ValidationError("--post, --trigger-on, --max-events and --cooldown go with --ring (e.g. --ring 10s --post 5s "
                                  + "--trigger-on error-buffer).")
        }
        if synthetic && !devices.isEmpty { throw ValidationError("--synthetic and -d/--device exclude each other; choose one.") }
        try Self.buffersLimit.check(buffers)
        if memory != "mmap" && memory != "dmabuf" { throw ValidationError("--memory must be mmap or dmabuf, not '\(memory)'.") }
        if memory == "dmabuf" && exportDevice == nil {
            throw ValidationError("--memory dmabuf needs --export-device DEV: the node whose buffers are exported "
                                  + "(this kernel has no DMA heaps), e.g. --export-device /dev/video8 for vim2m.")
        }
        if memory == "mmap" && exportDevice != nil { throw ValidationError("--export-device only goes with --memory dmabuf.") }
        try Self.requestToleranceLimit.check(requestTolerance)
        let arguments = try devices.map { try DeviceArgument($0) }
        if !(0...1000).contains(skip) { throw ValidationError("--skip takes 0 to 1000 buffers, not \(skip).") }
        if !controls.isEmpty && arguments.isEmpty {
            throw ValidationError("--set-ctrl sets a control of a -d node; give the node with -d (the synthetic camera has none).")
        }
        for control in controls {
            guard let setting = Self.controlSetting(control) else {
                throw ValidationError("--set-ctrl takes [DEV:]NAME=VALUE with an integer value, as v4l2-ctl -c does "
                                      + "(e.g. brightness=200 or /dev/video0:brightness=200); got '\(control)'.")
            }
            if let device = setting.device, !arguments.contains(where: { $0.path == device }) {
                throw ValidationError("--set-ctrl \(control): \(device) is not one of the -d nodes (\(arguments.map(\.path).joined(separator: ", "))).")
            }
        }
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
                       + ": " + source.streams.map { "\($0.name) \($0.format.pixelFormat) \($0.format.width)x\($0.format.height)" }
                           .joined(separator: ", "))
        } else {
            let captureMemory: V4L2CaptureSource.CaptureMemory = exportDevice.map { .dmabuf(exporterPath: $0) } ?? .mmap
            do {
                source = try V4L2CaptureSource(
                    nodes: arguments.enumerated().map { position, argument in
                        let settings = controls.compactMap(Self.controlSetting).filter {
                            $0.device == argument.path || ($0.device == nil && position == 0)
                        }
                        return V4L2CaptureSource.Node(path: argument.path, format: argument.format, bufferCount: buffers,
                                                      memory: captureMemory, frameInterval: argument.frameInterval,
                                                      controls: settings.map(\.setting), skipBuffers: skip)
                    },
                    options: V4L2CaptureSource.Options(acceptAdjustedFormat: acceptAdjustedFormat))
            } catch {
                throw CommandFailure("\(error)")
            }
            printError("camrec: recording " + source.streams.map {
                "\($0.device?.path ?? $0.name) as '\($0.name)' (\($0.format.pixelFormat) \($0.format.width)x\($0.format.height))"
            }.joined(separator: ", "))
        }
        var options = Recorder.Options(outputPath: output)
        if let capture = source as? V4L2CaptureSource {
            for note in capture.setupNotes { printError("camrec: \(note)") }
            options.startNotes = capture.setupNotes
        }
        options.replaceExisting = force
        options.compressionLevel = level
        if let workers { options.workers = workers }
        options.frameLimit = frames
        options.maxMemoryBytes = try maxMemory.bytes
        options.durationSeconds = duration
        options.chunkSizeLimit = Int64(chunkSize) * (1 << 20)
        guard let chunkNanoseconds = nanoseconds(chunkDuration, per: 1e9),
              let toleranceNanoseconds = nanoseconds(requestTolerance, per: 1e6) else {
            throw CommandFailure("--chunk-duration \(chunkDuration) or --request-tolerance \(requestTolerance) is out of range.")
        }
        options.chunkDurationNanoseconds = chunkNanoseconds
        options.requestToleranceNanoseconds = toleranceNanoseconds
        if maxSize != nil || maxDuration != nil {
            options.retention = RetentionPolicy(maxBytes: maxSize.map { Int64($0.bytes) }, maxDurationNanoseconds: maxDuration?.nanoseconds)
        }
        if let ring {
            options.ring = RingOptions(capacity: ring.capacity, postNanoseconds: (post ?? Self.defaultPost).nanoseconds,
                                       conditions: triggerOn.map(\.condition), maxEvents: maxEvents,
                                       cooldownNanoseconds: cooldown?.nanoseconds ?? 0)
        }
        try record(source: source, options: options)
    }

    /// One `--set-ctrl [DEV:]NAME=VALUE`: the node it is for (nil: the first -d node) and the setting.
    struct NodeControl {
        var device: String?
        var setting: ControlSetting
    }

    static func controlSetting(_ text: String) -> NodeControl? {
        guard let equals = text.firstIndex(of: "=") else { return nil }
        var name = String(text[..<equals])
        var device: String?
        if let colon = name.lastIndex(of: ":") {
            device = String(name[..<colon])
            name = String(name[name.index(after: colon)...])
        }
        guard !name.isEmpty, device?.isEmpty != true,
              let value = Int64(text[text.index(after: equals)...].trimmingCharacters(in: .whitespaces)) else { return nil }
        return NodeControl(device: device, setting: ControlSetting(name: name, value: value))
    }

    /// Runs the recorder with a live status line on a terminal, then prints the summary.
    func record(source: any FrameSource, options: Recorder.Options) throws {
        var options = options
        options.stop = commandStopRequest
        options.triggers = commandTriggerRequest
        let replacing = options.replaceExisting && FileManager.default.fileExists(atPath: options.outputPath)
        installStopHandlers()
        if options.ring != nil { installTriggerHandler() }
        let status = StatusLine(enabled: isatty(STDERR_FILENO) == 1)
        let summary: Recorder.Summary
        do {
            summary = try Recorder(source: source, options: options).run { status.show($0) }
        } catch {
            status.finish()
            throw CommandFailure("\(error)")
        }
        status.finish()
        // With --force, the writer replaces a previous recording only once a buffer is committed
        // (RecordingReplacement); a run that captured none leaves it untouched and removes its own.
        let keptPrevious = replacing && summary.buffers == 0
        if let failure = (source as? V4L2CaptureSource)?.startFailure {
            // No node streamed, so nothing was captured: a device error, not an empty recording.
            // (Streaming starts only once the recording exists, so that the first buffers find the
            // writer ready; the empty recording is removed here instead.)
            if !keptPrevious { try? FileManager.default.removeItem(atPath: summary.path) }
            throw CommandFailure("\(failure)" + (keptPrevious ? " The previous recording at \(summary.path) was left as it was." : ""))
        }
        printError("camrec: \(summary.stopReason); \(summary.buffers) buffers in \(String(format: "%.1f", summary.seconds)) s"
                   + (summary.recorderDrops > 0 ? ", \(summary.recorderDrops) dropped by the recorder" : ""))
        func mebibytes(_ bytes: Int64) -> String { String(format: "%.1f", Double(bytes) / 1_048_576) }
        printError("camrec: memory: pipeline held at most \(mebibytes(summary.memoryPeakBytes)) of its \(mebibytes(summary.memoryBudgetBytes)) MiB"
                   + (summary.peakResidentBytes.map { "; peak resident \(mebibytes($0)) MiB of --max-memory \(mebibytes(Int64(options.maxMemoryBytes ?? 0))) MiB" } ?? ""))
        if keptPrevious {
            printError("camrec: nothing was captured, so the previous recording at \(summary.path) was kept as it was (--force replaces it only with a recording that holds a buffer)")
            return
        }
        let reader = try RecordingReader(path: summary.path)
        print(OverviewFormatting.text(try RecordingOverview(reader: reader)), terminator: "")
    }
}
