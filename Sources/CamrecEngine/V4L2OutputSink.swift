import CamrecStore
#if canImport(Glibc)
import Glibc
#endif
import V4L2
import V4L2Vocabulary

/// A `FrameSink` over the output queue of a V4L2 node: a video or metadata output node, the
/// output side of an M2M device (a 1:1 processor such as vim2m, a stateful encoder or decoder, a
/// stateless decoder), or an ISP's input or parameters node; single- or multi-planar.
///
/// `prepare` follows the node's interface (decided once, when the target opened):
/// - every node: the recorded format with VIDIOC_S_FMT, refused before anything is queued when
///   the driver adjusts it, except a codec's coded-size rule (a larger coded size whose visible
///   part, the OUTPUT crop selection, is the recorded size: frames are laid out for it);
/// - encoders and decoders: subscribe to V4L2_EVENT_EOS (and decoders to
///   V4L2_EVENT_SOURCE_CHANGE, which `M2MCaptureSource` waits for); controls given with
///   `Options.controls` are set before streaming;
/// - stateless decoders: a media request per buffer, carrying the frame's parameters.
///
/// `send` queues a recorded buffer (VIDIOC_QBUF) with the recorded bytesused and data offset per
/// plane, timestamp and field, so a V4L2_BUF_FLAG_TIMESTAMP_COPY device (an M2M node) hands the
/// recorded timestamp to its capture side. `finish` drains: a codec gets V4L2_ENC_CMD_STOP or
/// V4L2_DEC_CMD_STOP and its capture side ends at the buffer flagged V4L2_BUF_FLAG_LAST; an M2M
/// node returns every output buffer once it has produced from it; only a plain output node,
/// which may keep its last buffer on screen (vivid), is waited for with a timeout.
///
/// The sequence number cannot travel: V4L2 ignores `v4l2_buffer.sequence` on VIDIOC_QBUF and the
/// driver numbers output buffers itself. The timestamp is what links a device's output to the
/// recorded input.
///
/// Used from one thread (the replayer's). The `VideoDevice` is shared with an `M2MCaptureSource`
/// that runs the capture queue of the same file handle on another thread.
public final class V4L2OutputSink: FrameSink {
    /// How to set up the output queue.
    public struct Options: Sendable, Equatable {
        /// Buffers to ask the driver for (it may grant more or fewer).
        public var bufferCount: Int
        public var memory: OutputMemory
        /// For a plain output node only: `finish` stops waiting for the device to return buffers
        /// after this long without one coming back (vivid's output keeps its last buffer until
        /// stream-off, so the capture side can keep showing it); stream-off then returns the rest.
        public var drainTimeoutMilliseconds: Int
        /// `send` gives up when the device has taken no buffer back for this long.
        public var stallTimeoutMilliseconds: Int
        /// Controls to set before streaming (`--set-ctrl NAME=VALUE`), in order.
        public var controls: [ControlSetting]
        /// Controls recorded at the start of the recording (`--restore-controls`): those of the
        /// stream being prepared are set on the device where names match, before `controls`.
        public var restoredControls: [ControlReading] = []
        /// Queue the next buffer only after the capture side produced a buffer for the previous
        /// one (M2M nodes), so the device sees the same sequence of states whatever the load.
        public var lockstep: Bool
        /// Go on when the device sets the recorded colorimetry otherwise (colorspace, ycbcr_enc,
        /// quantization, xfer_func of a raw stream) and say which fields changed in `notes`,
        /// instead of refusing (`--accept-adjusted-format`). A layout the bytes cannot be read in
        /// (code, size, field, planes) is refused either way.
        public var acceptAdjustedFormat: Bool

        public init(bufferCount: Int = 4, memory: OutputMemory = .mmap, drainTimeoutMilliseconds: Int = 2_000,
                    stallTimeoutMilliseconds: Int = 10_000, controls: [ControlSetting] = [], lockstep: Bool = false,
                    acceptAdjustedFormat: Bool = false) {
            self.bufferCount = bufferCount
            self.memory = memory
            self.drainTimeoutMilliseconds = drainTimeoutMilliseconds
            self.stallTimeoutMilliseconds = stallTimeoutMilliseconds
            self.controls = controls
            self.lockstep = lockstep
            self.acceptAdjustedFormat = acceptAdjustedFormat
        }
    }

    /// What the sink did, for the replay report.
    public struct Statistics: Sendable, Equatable, Codable {
        /// Buffers queued (VIDIOC_QBUF).
        public var queued = 0
        /// Buffers the device handed back while streaming (VIDIOC_DQBUF).
        public var returned = 0
        /// Of those, how many came back flagged V4L2_BUF_FLAG_ERROR.
        public var returnedWithError = 0
        /// Buffers the device still held at the end, returned by VIDIOC_STREAMOFF.
        public var heldAtEnd = 0
    }

    /// The node; an `M2MCaptureSource` may run its capture queue.
    public let device: VideoDevice
    /// For M2M nodes: the interface and what both sides share.
    public let session: M2MSession?
    public var sinkDescription: String { "\(device.path) (\(device.info.driver) '\(device.info.card)')" }
    public private(set) var statistics = Statistics()
    /// The format set on the output queue by `prepare`.
    public private(set) var format: VideoFormat?
    /// What `prepare` did beyond setting the recorded format (controls set, a visible-size crop),
    /// one sentence each, for stderr and the capture recording's notes.
    public private(set) var notes: [String] = []
    /// What `Options.restoredControls` did on this device, control by control (`--restore-controls`).
    public private(set) var restorations: [ControlRestoration] = []

    private let options: Options
    private let stop: StopRequest
    private let queue: BufferQueue
    private var exported: V4L2ExportedBuffers?
    private var streamName = ""
    /// The recorded layout, when the device's buffers have another (a codec's coded size).
    private var recordedGeometry: FrameGeometry?
    private var componentPlanes: ComponentPlanes?
    /// Stateless decoders: one media request per buffer index, and the previous frame's timestamp
    /// as the driver stores it (the reference of the next P-frame).
    private var requests: [Int: MediaRequest] = [:]
    private var usedRequests: Set<Int> = []
    private var previousTimestamp: UInt64 = 0

    /// Opens `path` and checks that it has an output queue. `stop` is the replay's stop request:
    /// waits for the device end early when it is made.
    public convenience init(path: String, options: Options = Options(), stop: StopRequest = StopRequest()) throws(V4L2Error) {
        try self.init(device: try VideoDevice(path: path), options: options, stop: stop)
    }

    /// Uses an open device; for M2M nodes the session (and its interface) is made here, once.
    public init(device: VideoDevice, options: Options = Options(), stop: StopRequest = StopRequest()) throws(V4L2Error) {
        self.device = device
        self.options = options
        self.stop = stop
        queue = try device.requireOutputQueue(purpose: "replay")
        session = try M2MSession(device: device, stop: stop)
    }

    deinit {
        // A replay that failed half-way: hand every buffer back and free the driver's memory.
        if queue.isStreaming { try? queue.streamOff() }
        releaseBuffers()
    }

    // MARK: FrameSink

    public func prepare(stream: StreamDescription) throws {
        let interface = session?.interface
        var wanted = try V4L2OutputFormat(stream: stream, queueType: queue.type, devicePath: device.path)
        if interface == .statelessDecoder && wanted.request.pixelFormat == .fwht {
            // The stateless decoder takes the same frames without their headers (see FWHTFrame).
            wanted.request.pixelFormat = .fwhtStateless
        }
        var offered = try setFormat(wanted)
        if let mismatch = wanted.mismatch(offered: offered, compressed: interface == .statefulDecoder || interface == .statelessDecoder) {
            if let cropped = try visibleSizeCrop(wanted: wanted, offered: offered) {
                offered = cropped
            } else {
                let listed = (try? queue.formats().map(\.pixelFormat)) ?? []
                throw wanted.refusal(offered: offered, listed: listed, device: device.path, mismatch: mismatch)
            }
        }
        let changes = wanted.colorimetryChanges(offered: offered)
        if !changes.isEmpty {
            let changed = changes.joined(separator: ", ")
            guard options.acceptAdjustedFormat else {
                let listed = (try? queue.formats().map(\.pixelFormat)) ?? []
                var refusal = wanted.refusal(offered: offered, listed: listed, device: device.path, mismatch: changed)
                refusal.remedy += " To replay it with the colorimetry \(device.path) set, add --accept-adjusted-format."
                throw refusal
            }
            notes.append("\(device.path) adjusted the format of stream '\(stream.name)' (--accept-adjusted-format): \(changed)")
        }
        format = offered
        streamName = stream.name
        switch interface {
        case .statefulEncoder?:
            try device.subscribe(to: .endOfStream)
        case .statefulDecoder?:
            try device.subscribe(to: .sourceChange)
            try device.subscribe(to: .endOfStream)
        case .statelessDecoder?, .processor?, nil:
            break
        }
        if !options.restoredControls.isEmpty {
            let restored = ControlRestoration.restore(options.restoredControls.filter { $0.streamID == stream.id }, on: device)
            restorations = restored
            notes += restored.map { $0.sentence(device: device.path) }
        }
        for setting in options.controls {
            try device.setControl(setting.name, to: setting.value)
            let readBack = try device.value(ofControl: setting.name)
            notes.append("control \(setting.name) set to \(setting.value) on \(device.path) before streaming"
                         + (readBack == setting.value ? "" : " (the device reads back \(readBack))"))
        }
        let buffers: [FrameBuffer]
        switch options.memory {
        case .mmap:
            try queue.allocateBuffers(count: options.bufferCount)
            buffers = try queue.mapBuffers()  // The replay writes every plane.
        case .dmabuf(let exporterPath, let layout):
            let pool = try V4L2ExportedBuffers(exporterPath: exporterPath)
            exported = pool
            let granted = try queue.importBuffers(count: options.bufferCount)
            buffers = try pool.makeBuffers(count: granted, planeSizes: offered.planes.map(\.sizeImage), layout: layout,
                                           importerPath: device.path)
            queue.adoptImportedBuffers(buffers)
        }
        if interface == .statelessDecoder {
            guard let mediaPath = device.mediaDevicePath() else {
                throw V4L2Error(kind: .unsupported, operation: "replay", devicePath: device.path,
                                reason: "the stateless decoder has no media device to allocate requests on",
                                remedy: "Stateless decoders need the Request API; check `media-ctl -p` for the node's media device.")
            }
            let media = try MediaDevice(path: mediaPath)
            for buffer in buffers { requests[buffer.index] = try media.allocateRequest() }
            notes.append("frames go to the stateless decoder \(device.path) through media requests on \(mediaPath)")
        }
        try queue.streamOn()
    }

    /// VIDIOC_S_FMT; some drivers (vim2m) reject a code their queue does not list (EINVAL)
    /// instead of adjusting it, which is a refusal like any other.
    private func setFormat(_ wanted: V4L2OutputFormat) throws(V4L2Error) -> VideoFormat {
        let result: Result<VideoFormat, V4L2Error>
        do throws(V4L2Error) {
            result = .success(try queue.setFormat(wanted.request))
        } catch {
            result = .failure(error)
        }
        switch result {
        case .success(let offered):
            return offered
        case .failure(let error) where error.errno == EINVAL:
            throw wanted.refusal(offered: nil, listed: (try? queue.formats().map(\.pixelFormat)) ?? [], device: device.path,
                                 mismatch: "it does not take \(wanted.request.pixelFormat) on its \(queue.type) queue",
                                 errno: error.errno)
        case .failure(let error):
            throw error
        }
    }

    /// The codec size rule (dev-encoder.rst): a driver that rounds the frame up to its coded size
    /// (vicodec: height to a multiple of 8) takes the visible size as the OUTPUT crop selection.
    /// Returns the offered format when the only difference is such a coded size and the device
    /// accepts the recorded size as its crop; frames are then laid out for the coded size.
    private func visibleSizeCrop(wanted: V4L2OutputFormat, offered: VideoFormat) throws -> VideoFormat? {
        let request = wanted.request
        guard !request.bufferType.isMeta, offered.pixelFormat == request.pixelFormat,
              offered.width >= request.width, offered.height >= request.height,
              offered.width != request.width || offered.height != request.height,
              offered.planes.count == 1, request.planes.count == 1,
              let components = ComponentPlanes.of(request.pixelFormat),
              let recordedStride = request.planes.first?.bytesPerLine, recordedStride > 0 else { return nil }
        let visible = Rectangle(width: request.width, height: request.height)
        guard let set = try? queue.setSelection(.crop, to: visible), set.width == visible.width, set.height == visible.height else {
            return nil
        }
        recordedGeometry = FrameGeometry(bytesPerLine: Int(recordedStride), height: Int(request.height))
        componentPlanes = components
        notes.append("\(device.path) codes \(request.width)x\(request.height) \(request.pixelFormat) frames at "
                     + "\(offered.width)x\(offered.height) with the recorded size as its crop selection; "
                     + "frames are laid out for the coded size, extra rows black")
        return offered
    }

    public func send(_ frame: ReplayFrame) throws {
        if options.lockstep, let session, statistics.queued > 0, !session.waitForCapture() {
            if stop.isRequested { return }
            throw V4L2Error(kind: .system, operation: "replay --lockstep", devicePath: device.path,
                            reason: "the capture side ended (\(session.captureEnded ?? "no reason given")) after "
                                + "\(session.produced) buffers for \(statistics.queued) queued",
                            remedy: "Check the capture recording's notes (`camrec info`) for why the device stopped producing.")
        }
        guard let buffer = try takeFreeBuffer() else { return }
        if session?.interface == .statelessDecoder {
            try queueWithRequest(frame, in: buffer)
        } else {
            try queue(frame, in: buffer)
        }
        statistics.queued += 1
        session?.noteQueued()
    }

    /// Copies a recorded buffer into one of the device's and queues it with the recorded metadata.
    private func queue(_ frame: ReplayFrame, in buffer: FrameBuffer) throws {
        let metadata = frame.metadata
        try checkPlaneCount(frame, buffer)
        var planes: [PlaneMetadata] = []
        for (planeIndex, bytes) in frame.planes.enumerated() {
            let plane = buffer.planes[planeIndex]
            let recorded = planeIndex < metadata.planes.count ? metadata.planes[planeIndex] : nil
            if let recordedGeometry, let componentPlanes, let format, let stride = format.planes.first?.bytesPerLine {
                let used = try write(plane: plane, planeIndex: planeIndex, sequence: metadata.sequence) { destination in
                    bytes.withUnsafeBytes { source in
                        componentPlanes.relayout(source, from: recordedGeometry, into: destination,
                                                 to: FrameGeometry(bytesPerLine: Int(stride), height: Int(format.height)))
                    }
                }
                planes.append(PlaneMetadata(bytesUsed: UInt32(used), dataOffset: 0, length: plane.length))
            } else {
                try write(bytes, into: plane, planeIndex: planeIndex, sequence: metadata.sequence)
                planes.append(PlaneMetadata(bytesUsed: recorded?.bytesUsed ?? UInt32(bytes.count),
                                                  dataOffset: recorded?.dataOffset ?? 0, length: plane.length))
            }
        }
        try queue.queueBuffer(buffer, output: outputInfo(metadata, planes: planes))
    }

    /// A stateless decoder's frame: the FWHT planes without their header as the payload, the
    /// header as V4L2_CID_STATELESS_FWHT_PARAMS in the buffer's media request, the previous
    /// frame as the reference (by the timestamp the driver gave its capture buffer).
    private func queueWithRequest(_ frame: ReplayFrame, in buffer: FrameBuffer) throws {
        try checkPlaneCount(frame, buffer)
        guard let request = requests[buffer.index], let recorded = frame.planes.first else { return }
        let parsed: FWHTFrame
        do {
            parsed = try FWHTFrame(parsing: recorded)
        } catch {
            throw V4L2Error(kind: .system, operation: "replay", devicePath: device.path,
                            reason: "stream '\(streamName)' buffer sequence \(frame.metadata.sequence) is not an FWHT frame: \(error)",
                            remedy: "Replay a recording of a stateful FWHT encoder's capture side (`camrec replay RAW --to ENCODER --capture-to`).")
        }
        if usedRequests.contains(buffer.index) {
            // The driver hands the buffer back a moment before it completes its request (vicodec:
            // v4l2_m2m_buf_done, then v4l2_ctrl_request_complete), and a request is reused only
            // once complete (REINIT answers EBUSY before): wait for its POLLPRI.
            while !request.isComplete(waitingMilliseconds: 100) {
                if stop.isRequested { return }
                if let ended = session?.captureEnded {
                    throw V4L2Error(kind: .system, operation: "MEDIA_REQUEST_IOC_REINIT", devicePath: request.mediaPath,
                                    reason: "the request of buffer \(buffer.index) never completed and the capture side ended: \(ended)",
                                    remedy: "Check the capture recording's notes (`camrec info`).")
                }
            }
            try request.reinitialize()
        }
        usedRequests.insert(buffer.index)
        let payload = Array(parsed.payload)
        try write(payload, into: buffer.planes[0], planeIndex: 0, sequence: frame.metadata.sequence)
        try device.setCompoundControl(FWHTFrame.parametersControl, bytes: parsed.parameters(referenceTimestamp: previousTimestamp),
                                      in: request)
        let planes = [PlaneMetadata(bytesUsed: UInt32(payload.count), dataOffset: 0, length: buffer.planes[0].length)]
        try queue.queueBuffer(buffer, output: outputInfo(frame.metadata, planes: planes), request: request)
        try request.queue()
        // The driver keeps timestamps in nanoseconds converted from the microseconds of a timeval.
        let timestamp = frame.metadata.timestamp.nanoseconds
        previousTimestamp = timestamp > 0 ? UInt64(timestamp / 1_000) * 1_000 : 0
    }

    private func outputInfo(_ metadata: FrameMetadata, planes: [PlaneMetadata]) -> OutputBufferInfo {
        OutputBufferInfo(planes: planes, timestampNanoseconds: metadata.timestamp.nanoseconds, field: metadata.field,
                         flags: metadata.flags.intersection(Self.replayedFlags))
    }

    private func checkPlaneCount(_ frame: ReplayFrame, _ buffer: FrameBuffer) throws(V4L2Error) {
        guard frame.planes.count == buffer.planes.count else {
            throw V4L2Error(kind: .system, operation: "VIDIOC_QBUF", devicePath: device.path,
                            reason: "stream '\(streamName)' buffer sequence \(frame.metadata.sequence) has \(frame.planes.count) planes, "
                                + "the device's buffers have \(buffer.planes.count)",
                            remedy: "The recording's buffers do not match its stream format; check it with `camrec verify`.")
        }
    }

    public func finish() throws {
        guard queue.isStreaming else { return }
        if let session {
            try drain(session)
        } else {
            try waitForReturns()
        }
        statistics.heldAtEnd = queue.queuedIndices.count
        // VIDIOC_STREAMOFF hands back every buffer the device still holds.
        try queue.streamOff()
        releaseBuffers()
    }

    /// The end of a replay into an M2M node. A codec gets its drain command: it finishes what was
    /// queued, flags its last capture buffer V4L2_BUF_FLAG_LAST (where `M2MCaptureSource` ends)
    /// and returns every output buffer. A 1:1 processor returns each output buffer once its
    /// capture buffer is done. Either way the end is the device's own signal, never a timeout:
    /// every output buffer back, or the capture side ended or failed.
    ///
    /// The drain command goes out once the device has taken back every output buffer (or has
    /// held the rest without progress for half a second, as a decoder may keep the end of a
    /// stream until told): sent while the last buffer is being processed, it can miss it
    /// (v4l2-mem2mem marks the last *queued* buffer, and vicodec checks for it before the
    /// command lands), and no LAST ever comes; with nothing in flight the next capture buffer
    /// is marked LAST at once.
    private func drain(_ session: M2MSession) throws {
        if session.interface.drainsWithCommand {
            var lastProgress = MonotonicClock.nanoseconds()
            while !queue.queuedIndices.isEmpty {
                if stop.isRequested || session.captureEnded != nil { break }
                let events = try queue.waitUntilReady(timeoutMilliseconds: 50)
                if try reclaim() > 0 {
                    lastProgress = MonotonicClock.nanoseconds()
                } else if events.contains(.hangUp) || MonotonicClock.nanoseconds() - lastProgress > 500_000_000 {
                    break
                }
            }
            try device.send(.stop, as: session.interface == .statefulEncoder ? .encoder : .decoder)
        }
        while !queue.queuedIndices.isEmpty {
            if stop.isRequested || session.captureEnded != nil { break }
            let events = try queue.waitUntilReady(timeoutMilliseconds: 100)
            try reclaim()
            if events.contains(.hangUp) { break }
        }
        session.finishOutput()
    }

    /// A plain output node: waits for the device to hand back what it took, until it has held
    /// on to the rest for `drainTimeoutMilliseconds` (vivid keeps the frame on show).
    private func waitForReturns() throws {
        var lastProgress = MonotonicClock.nanoseconds()
        while !queue.queuedIndices.isEmpty {
            if stop.isRequested { break }
            let events = try queue.waitUntilReady(timeoutMilliseconds: 100)
            if try reclaim() > 0 {
                lastProgress = MonotonicClock.nanoseconds()
            } else if events.contains(.error) || MonotonicClock.nanoseconds() - lastProgress
                        > Int64(options.drainTimeoutMilliseconds) * 1_000_000 {
                break
            }
        }
    }

    // MARK: Buffers

    /// The flags a replay passes on: the frame type of compressed streams. The timestamp-source
    /// bits belong to the queue and the state bits to the kernel.
    static let replayedFlags: BufferFlags = [.keyFrame, .predictedFrame, .bidirectionalFrame]

    /// A buffer the application owns, waiting (poll for POLLOUT, then VIDIOC_DQBUF) while the
    /// device holds all of them; nil when a stop was requested while waiting.
    private func takeFreeBuffer() throws -> FrameBuffer? {
        let start = MonotonicClock.nanoseconds()
        // Dequeues only when every buffer is queued: no DQBUF per frame while buffers are free.
        while queue.freeBuffers.isEmpty {
            if stop.isRequested { return nil }
            if let session, let ended = session.captureEnded {
                throw V4L2Error(kind: .system, operation: "VIDIOC_DQBUF", devicePath: device.path,
                                reason: "the device holds all \(queue.buffers.count) output buffers and its capture side ended: \(ended)",
                                remedy: "Check the capture recording's notes (`camrec info`).")
            }
            let events = try queue.waitUntilReady(timeoutMilliseconds: 100)
            if try reclaim() > 0 { break }
            let stalled = MonotonicClock.nanoseconds() - start > Int64(options.stallTimeoutMilliseconds) * 1_000_000
            if events.contains(.error) && session == nil || events.contains(.hangUp) || stalled {
                throw V4L2Error(kind: events.contains(.hangUp) ? .disconnected : .system, operation: "VIDIOC_DQBUF",
                                devicePath: device.path,
                                reason: "the device holds all \(queue.buffers.count) output buffers and returned none "
                                    + (stalled ? "for \(options.stallTimeoutMilliseconds) ms" : "(poll reported an error)")
                                    + " after \(statistics.returned) of \(statistics.queued)",
                                remedy: "An M2M device needs its capture side streaming (--capture-to); otherwise check the device with `camrec devices`.")
            }
        }
        return queue.freeBuffers.first
    }

    /// Dequeues every buffer the device has finished with; returns how many.
    @discardableResult
    private func reclaim() throws -> Int {
        var count = 0
        while case .buffer(let done) = try queue.dequeueBuffer() {
            statistics.returned += 1
            if done.metadata.status == .error { statistics.returnedWithError += 1 }
            count += 1
        }
        return count
    }

    /// Copies a recorded plane into the buffer's memory.
    private func write(_ bytes: [UInt8], into plane: FrameBuffer.Plane, planeIndex: Int, sequence: UInt32) throws {
        _ = try write(plane: plane, planeIndex: planeIndex, sequence: sequence, minimum: bytes.count) { destination in
            bytes.withUnsafeBytes { source in
                if let base = source.baseAddress, let target = destination.baseAddress {
                    target.copyMemory(from: base, byteCount: source.count)
                }
            }
            return bytes.count
        }
    }

    /// Runs `fill` on the plane's memory inside a DMA_BUF_IOCTL_SYNC bracket for imported
    /// DMABUFs (so the device sees what the CPU wrote); returns what `fill` returns.
    private func write(plane: FrameBuffer.Plane, planeIndex: Int, sequence: UInt32, minimum: Int = 0,
                       _ fill: (UnsafeMutableRawBufferPointer) -> Int) throws -> Int {
        guard let destination = plane.bytes, minimum <= destination.count else {
            throw V4L2Error(kind: .system, operation: "VIDIOC_QBUF", devicePath: device.path,
                            reason: "stream '\(streamName)' buffer sequence \(sequence) plane \(planeIndex) has "
                                + "\(minimum) bytes, the device's buffer holds \(plane.bytes?.count ?? 0)",
                            remedy: "Ask for a larger format on the device, or an --export-device with larger buffers.")
        }
        if case .dmabuf(let dmaBuffer) = plane.memory { try dmaBuffer.beginCPUAccess(forWriting: true) }
        let written = fill(destination)
        if case .dmabuf(let dmaBuffer) = plane.memory { try dmaBuffer.endCPUAccess(forWriting: true) }
        return written
    }

    /// Unmaps the buffers and frees the driver's memory (VIDIOC_REQBUFS 0), and the exporter's.
    private func releaseBuffers() {
        guard !queue.buffers.isEmpty || queue.memory != nil else { return }
        requests.removeAll()
        // The mappings go with the queue's buffer list: the driver refuses to free mapped MMAP buffers (EBUSY).
        try? queue.releaseBuffers()
        exported?.release()
        exported = nil
    }
}

/// Where the buffers of an output queue come from.
public enum OutputMemory: Sendable, Equatable {
    /// Buffers allocated by the output node and mapped (V4L2_MEMORY_MMAP).
    case mmap
    /// Buffers allocated by the node at `exporterPath` (its capture queue, or its output queue
    /// when it has none), exported with VIDIOC_EXPBUF and imported (V4L2_MEMORY_DMABUF), one
    /// DMABUF per plane or all planes of a buffer in one DMABUF at offsets.
    case dmabuf(exporterPath: String, layout: DMABufferLayout = .bufferPerPlane)
}

/// How the planes of one multi-planar buffer map onto exported DMABUFs.
public enum DMABufferLayout: String, Sendable, Equatable, CaseIterable {
    /// One DMABUF per plane.
    case bufferPerPlane = "separate"
    /// All planes of a buffer in one DMABUF, one after the other at offsets (as ISPs and codecs
    /// hand them out; libcamera's FrameBuffer planes sharing one fd).
    case sharedBuffer = "shared"
}
