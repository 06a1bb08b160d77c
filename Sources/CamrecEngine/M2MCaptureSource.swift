import CamrecStore
import Synchronization
import V4L2

/// A `FrameSource` over the capture queue of an M2M (or ISP) node whose output queue a replay
/// feeds through a `V4L2OutputSink` on the same file handle (an M2M context belongs to one open
/// file). It records what the device produces, one stream named "capture"; the device copies each
/// output buffer's timestamp to the capture buffer it produces (V4L2_BUF_FLAG_TIMESTAMP_COPY), so
/// every captured frame names the recorded frame it came from.
///
/// The source is not live: the recorder waits for it rather than dropping, and the device waits
/// for a capture buffer, which holds the replay back. It ends when `outputFinished` says the
/// replay is over and the device has produced the buffers it is going to.
public final class M2MCaptureSource: FrameSource, @unchecked Sendable {
    // @unchecked: `device`, `queue` and `buffers` are used only while holding `state`, except that
    // poll(2) reads the queue's descriptor and the replay thread runs the device's *output* queue,
    // a separate `BufferQueue` the kernel serialises against this one.

    /// How to set up the capture side.
    public struct Options: Sendable, Equatable {
        /// The capture format; nil parts keep the device's current values.
        public var format: V4L2CaptureSource.RequestedFormat?
        public var bufferCount: Int
        /// After the replay finished, how long to wait for capture buffers still to come.
        public var drainMilliseconds: Int

        public init(format: V4L2CaptureSource.RequestedFormat? = nil, bufferCount: Int = 4, drainMilliseconds: Int = 1_000) {
            self.format = format
            self.bufferCount = bufferCount
            self.drainMilliseconds = drainMilliseconds
        }
    }

    public let streams: [StreamDescription]
    public var sourceDescription: String { "\(path) capture queue" }
    public var isLive: Bool { false }
    public var endReason: String? { state.withLock { $0.endReason } }
    /// The capture side ends normally once the replay has finished and the device has given back
    /// what it produced.
    public var endedNormally: Bool { state.withLock { $0.endedNormally } }
    /// The format set on the capture queue.
    public let format: VideoFormat

    private let path: String
    private let device: VideoDevice
    private let queue: BufferQueue
    private let buffers: [FrameBuffer]
    private let drainNanoseconds: Int64
    private let state = Mutex(State())

    private struct State {
        var streaming = false
        var stopped = false
        var outstanding: Set<Int> = []
        var dequeued = 0
        /// Set by `outputFinished`.
        var replayEnd: ReplayEnd?
        var endReason: String?
        var endedNormally = false
    }

    private struct ReplayEnd {
        var at: Int64
        var outputBuffers: Int
        var failure: String?
    }

    /// Sets the capture format (refusing one the driver adjusts) and allocates MMAP buffers on the
    /// capture queue of `device`, which must be an M2M node; streaming starts with `start`.
    public init(device: VideoDevice, options: Options = Options()) throws(V4L2Error) {
        guard device.role == .memoryToMemory else {
            throw V4L2Error(kind: .wrongNodeKind, operation: "capture-to", devicePath: device.path,
                            reason: "'\(device.info.card)' (\(device.info.driver)) is a \(device.role) node; only a memory-to-memory node produces frames from replayed ones",
                            remedy: "Use --capture-to with an M2M or ISP node as the --to target (`camrec devices` shows video-m2m nodes).")
        }
        let queue = try device.requireCaptureQueue(purpose: "capture-to")
        let current = try queue.currentFormat()
        var format = current
        if let requested = options.format {
            var wanted = VideoFormat(bufferType: queue.type,
                                     pixelFormat: requested.fourcc.map { PixelFormat(rawValue: $0.rawValue) } ?? current.pixelFormat)
            wanted.width = requested.width ?? current.width
            wanted.height = requested.height ?? current.height
            format = try queue.setExactFormat(wanted)
        }
        self.path = device.path
        self.device = device
        self.queue = queue
        self.format = format
        buffers = try queue.allocateBuffers(count: options.bufferCount)
        drainNanoseconds = Int64(options.drainMilliseconds) * 1_000_000
        streams = [StreamDescription(
            id: 1, name: "capture", kind: format.bufferType.isMeta ? .meta : .video,
            format: StreamFormat(bufferType: format.bufferType.rawValue, fourcc: FourCC(rawValue: format.pixelFormat.rawValue),
                                 width: format.width, height: format.height, field: format.field.rawValue,
                                 colorspace: format.colorspace,
                                 planes: format.planes.map { PlaneFormat(bytesPerLine: $0.bytesPerLine, sizeImage: $0.sizeImage) }),
            device: DeviceIdentity(path: device.path, driver: device.info.driver, card: device.info.card,
                                   busInfo: device.info.busInfo))]
    }

    /// Queues every capture buffer and streams on (VIDIOC_QBUF, VIDIOC_STREAMON).
    public func start() throws {
        try state.withLock { (state: inout State) throws(V4L2Error) in
            guard !state.streaming, !state.stopped else { return }
            for buffer in buffers { try queue.queueBuffer(buffer) }
            try queue.streamOn()
            state.streaming = true
        }
    }

    /// Tells the source the replay is over: the output side took `outputBuffers` buffers and the
    /// device returned them (or `failure` says why not). The source then delivers what the device
    /// still produces and ends: at once when it has as many capture buffers as output buffers
    /// were sent, else once the drain time has passed since the replay finished.
    public func outputFinished(outputBuffers: Int, failure: String? = nil) {
        state.withLock { state in
            state.replayEnd = ReplayEnd(at: MonotonicClock.nanoseconds(), outputBuffers: outputBuffers, failure: failure)
        }
    }

    public func nextBuffers(timeoutMilliseconds: Int32) throws -> [CapturedBuffer]? {
        if state.withLock({ $0.stopped || $0.endReason != nil }) { return nil }
        // At most 100 ms (also for -1, "forever"), so the end of the replay is noticed.
        let wait = timeoutMilliseconds < 0 ? 100 : min(timeoutMilliseconds, 100)
        let events = try Poller.wait(for: [queue], timeoutMilliseconds: wait)[0]
        var ready: [CapturedBuffer] = []
        let outcome = state.withLock { (state: inout State) -> Result<[DequeuedBuffer], V4L2Error> in
            guard state.streaming else { return .success([]) }
            var done: [DequeuedBuffer] = []
            do throws(V4L2Error) {
                while case .buffer(let buffer) = try queue.dequeueBuffer() {
                    state.outstanding.insert(buffer.index)
                    state.dequeued += 1
                    done.append(buffer)
                }
            } catch {
                return .failure(error)
            }
            return .success(done)
        }
        switch outcome {
        case .success(let done):
            ready = done.map(capturedBuffer)
        case .failure(let error):
            return end("\(path) capture failed at \(error.operation): \(error.reason)", keeping: [])
        }
        let ending = state.withLock { state -> String? in
            guard let replayEnd = state.replayEnd else {
                return events.contains(.hangUp) ? "\(path) disconnected after \(state.dequeued) capture buffers" : nil
            }
            let complete = state.dequeued >= replayEnd.outputBuffers
            let drained = ready.isEmpty && MonotonicClock.nanoseconds() - replayEnd.at > drainNanoseconds
            guard complete || drained else { return nil }
            let summary = "the device produced \(state.dequeued) capture buffers from \(replayEnd.outputBuffers) replayed buffers"
            if let failure = replayEnd.failure { return "replay failed (\(failure)); \(summary)" }
            state.endedNormally = true
            return "replay finished; \(summary)"
        }
        if let ending { return end(ending, keeping: ready) }
        return ready
    }

    /// Records why the source ended; buffers dequeued before the end are still delivered.
    private func end(_ reason: String, keeping ready: [CapturedBuffer]) -> [CapturedBuffer]? {
        state.withLock { state in
            if state.endReason == nil { state.endReason = reason }
        }
        return ready.isEmpty ? nil : ready
    }

    public func stop() {
        state.withLock { state in
            guard !state.stopped else { return }
            state.stopped = true
            guard state.streaming else { return }
            state.streaming = false
            state.outstanding.removeAll()
            // VIDIOC_STREAMOFF hands every capture buffer back; a node that is gone has none left.
            try? queue.streamOff()
        }
    }

    deinit {
        stop()
    }

    private func capturedBuffer(_ dequeued: DequeuedBuffer) -> CapturedBuffer {
        let buffer = buffers[dequeued.index]
        let metadata = dequeued.metadata
        var views: [UnsafeRawBufferPointer] = []
        for (planeIndex, plane) in buffer.planes.enumerated() {
            let used = planeIndex < metadata.planes.count ? Int(metadata.planes[planeIndex].bytesUsed) : 0
            views.append(plane.mapping?.prefix(used) ?? UnsafeRawBufferPointer(start: nil, count: 0))
        }
        let index = dequeued.index
        return CapturedBuffer(streamID: 1, metadata: V4L2CaptureNode.bufferMetadata(metadata), planeBytes: views,
                              release: { [self] in requeue(index: index) })
    }

    /// Hands capture buffer `index` back to the device (VIDIOC_QBUF), from any thread, once per
    /// dequeue; a no-op after stream-off.
    private func requeue(index: Int) {
        state.withLock { state in
            guard state.streaming, state.outstanding.remove(index) != nil else { return }
            do throws(V4L2Error) {
                try queue.queueBuffer(buffers[index])
            } catch {
                if state.endReason == nil { state.endReason = "\(path) capture failed at VIDIOC_QBUF: \(error.reason)" }
            }
        }
    }
}
