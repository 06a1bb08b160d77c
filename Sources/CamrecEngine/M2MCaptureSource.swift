import CamrecStore
import Foundation
import Synchronization
import V4L2
import V4L2Vocabulary

/// A `FrameSource` over the capture queue of an M2M node (a 1:1 processor, an encoder, a
/// stateful or stateless decoder) whose output queue a replay feeds through a `V4L2OutputSink`
/// on the same file handle. It records what the device produces; the device copies each output
/// buffer's timestamp to what it produces from it (V4L2_BUF_FLAG_TIMESTAMP_COPY), so every
/// captured frame names the recorded frame it came from.
///
/// The capture format follows the node's interface: `Options.format` when given; otherwise a
/// processor takes the output's format when it accepts it (else keeps its own), an encoder its
/// coded format, and a decoder the format it announces with V4L2_EVENT_SOURCE_CHANGE after
/// parsing the stream, preferring `Options.preferredPixelFormat` (the raw format the
/// compressed recording came from) when the decoder offers it. `formatChoice` says which.
/// A stateful decoder's capture queue is therefore set up only in `awaitConfiguration`, and
/// again at a resolution change mid-stream (a new stream in the recording).
///
/// The source ends on the device's signal, never on a timeout: a codec's buffer flagged
/// V4L2_BUF_FLAG_LAST (or EPIPE) after the replay's drain command; a 1:1 node's capture buffer
/// for the last output buffer. It is not live: the recorder waits for it rather than dropping,
/// and the device waits for a capture buffer, which holds the replay back.
public final class M2MCaptureSource: FrameSource, @unchecked Sendable {
    // @unchecked: the capture queue and buffers are used only while holding `state`, except that
    // poll(2) reads the queue's descriptor and the replay thread runs the device's *output* queue,
    // a separate `BufferQueue` the kernel serialises against this one.

    /// How to set up the capture side.
    public struct Options: Sendable, Equatable {
        /// The capture format; nil parts keep the device's choice.
        public var format: V4L2CaptureSource.RequestedFormat?
        /// For decoders: the raw format to ask for when the decoder offers it.
        public var preferredPixelFormat: PixelFormat?
        public var bufferCount: Int

        public init(format: V4L2CaptureSource.RequestedFormat? = nil, preferredPixelFormat: PixelFormat? = nil, bufferCount: Int = 4) {
            self.format = format
            self.preferredPixelFormat = preferredPixelFormat
            self.bufferCount = bufferCount
        }
    }

    public var streams: [StreamDescription] { state.withLock { $0.streams } }
    public var sourceDescription: String { "\(session.device.path) capture queue (\(session.interface))" }
    public var isLive: Bool { false }
    public var endReason: String? { state.withLock { $0.endReason } }
    public var endedNormally: Bool { state.withLock { $0.endedNormally } }
    /// The capture format set last, and why it was chosen (one sentence per configuration).
    public var formatChoices: [String] { state.withLock { $0.choices } }
    /// The capture format set last.
    public var format: VideoFormat? { state.withLock { $0.format } }

    private let session: M2MSession
    private let options: Options
    private let queue: BufferQueue
    private let state = Mutex(State())
    /// Without any capture buffer for this long after the replay's end, the device is taken to
    /// have failed (a safety net that ends the recording as an error, never as its normal end).
    private let silenceLimitNanoseconds: Int64 = 20_000_000_000

    private struct State {
        var streams: [StreamDescription] = []
        var format: VideoFormat?
        var buffers: [FrameBuffer] = []
        var choices: [String] = []
        var configured = false
        var streaming = false
        var stopped = false
        /// Dequeued, not yet handed back by the recorder.
        var outstanding: Set<Int> = []
        /// A decoder announced a new format; the capture queue is set up again once its last
        /// buffer in the old format is out and every buffer is back.
        var pendingSourceChange = false
        var reconfigureWhenIdle = false
        var lastActivity = MonotonicClock.nanoseconds()
        var endReason: String?
        var endedNormally = false
    }

    /// Checks that the session's node has a capture queue and, except for a stateful decoder
    /// (whose format is known only after it parsed the stream), sets its format and allocates
    /// its buffers; streaming starts with `start`.
    public init(session: M2MSession, options: Options = Options()) throws(V4L2Error) {
        self.session = session
        self.options = options
        queue = try session.device.requireCaptureQueue(purpose: "capture-to")
        if session.interface != .statefulDecoder {
            try state.withLock { (state: inout State) throws(V4L2Error) in try configure(&state, announced: nil) }
        }
    }

    /// A stateful decoder: waits for V4L2_EVENT_SOURCE_CHANGE (the replay must be feeding the
    /// output queue meanwhile, from another thread), then sets up the capture queue. Returns
    /// false when the replay ended or failed before the decoder announced a format. Other
    /// interfaces are configured already and return true at once.
    public func awaitConfiguration() throws -> Bool {
        while true {
            if state.withLock({ $0.configured }) { return true }
            if session.stop.isRequested { return false }
            if let failure = session.outputFailure {
                finish("replay failed before the decoder announced a format: \(failure)", normally: false)
                return false
            }
            let events = try Poller.wait(for: [queue], timeoutMilliseconds: 100)[0]
            var announced = false
            while let event = try session.device.dequeueEvent() {
                if case .sourceChange = event { announced = true }
            }
            if announced {
                try state.withLock { (state: inout State) throws(V4L2Error) in try configure(&state, announced: .sourceChange) }
                return true
            }
            if session.outputFinished && !events.contains(.event) {
                finish("the decoder announced no format (no V4L2_EVENT_SOURCE_CHANGE) for \(session.queued) replayed buffers; "
                       + "the stream may not be one it decodes", normally: false)
                return false
            }
        }
    }

    private enum Announcement { case sourceChange }

    /// Chooses the capture format, sets it, allocates and maps the buffers and adds a stream.
    private func configure(_ state: inout State, announced: Announcement?) throws(V4L2Error) {
        let current = try queue.currentFormat()
        var wanted = current
        var why: String
        if let requested = options.format {
            wanted.pixelFormat = requested.fourcc ?? current.pixelFormat
            wanted.width = requested.width ?? current.width
            wanted.height = requested.height ?? current.height
            wanted.planes = []
            why = "as --capture-format asked"
        } else {
            switch session.interface {
            case .processor:
                var output = try session.device.requireOutputQueue().currentFormat()
                output.bufferType = queue.type
                output.planes = []
                let tried = try? queue.tryFormat(output)
                if let tried, tried.pixelFormat == output.pixelFormat, tried.width == output.width, tried.height == output.height {
                    wanted = output
                    why = "the output's format, which the device takes on its capture queue"
                } else {
                    why = "the device's own capture format (it does not take the output's \(output.pixelFormat) "
                        + "\(output.width)x\(output.height) on its capture queue)"
                }
            case .statefulEncoder:
                why = "the encoder's coded format"
            case .statefulDecoder, .statelessDecoder:
                if session.interface == .statelessDecoder {
                    // The application sets a stateless decoder's capture size: the stream's.
                    let output = try session.device.requireOutputQueue().currentFormat()
                    wanted.width = output.width
                    wanted.height = output.height
                    wanted.planes = []
                }
                why = announced == nil ? "the decoder's default raw format" : "the format the decoder announced after parsing the stream"
                if let preferred = options.preferredPixelFormat {
                    var candidate = wanted
                    candidate.pixelFormat = preferred
                    candidate.planes = []
                    if let tried = try? queue.tryFormat(candidate), tried.pixelFormat == candidate.pixelFormat {
                        wanted = candidate
                        why = "\(preferred), the raw format the compressed recording came from"
                    } else {
                        why += " (it does not offer \(preferred), the format the compressed recording came from)"
                    }
                }
            }
        }
        let format = wanted == current ? current : try queue.setFormat(wanted)
        if options.format != nil, format.pixelFormat != wanted.pixelFormat || format.width != wanted.width || format.height != wanted.height {
            throw V4L2Error(kind: .formatAdjusted, operation: "VIDIOC_S_FMT", devicePath: session.device.path,
                            reason: "--capture-format asked for \(wanted), the device offered \(format)",
                            remedy: "Ask for a capture format the device lists (`camrec devices`), or leave --capture-format out.")
        }
        var choice = "capture format \(format): \(why)"
        if session.interface == .statefulDecoder, announced != nil,
           let visible = try? queue.selection(.compose), visible.width != format.width || visible.height != format.height {
            choice += "; the visible part is \(visible.width)x\(visible.height) (compose selection), frames are recorded at the coded size"
        }
        try queue.allocateBuffers(count: options.bufferCount)
        state.buffers = try queue.mapBuffers()  // The recorder reads every plane.
        state.format = format
        state.choices.append(choice)
        let id = state.streams.count + 1
        state.streams.append(StreamDescription(
            id: id, name: id == 1 ? "capture" : "capture-\(id)", kind: format.bufferType.isMeta ? .meta : .video,
            format: format, device: session.device.identity))
        state.configured = true
    }

    /// Queues every capture buffer and streams on (VIDIOC_QBUF, VIDIOC_STREAMON).
    public func start() throws {
        try state.withLock { (state: inout State) throws(V4L2Error) in
            guard !state.streaming, !state.stopped, state.configured else { return }
            try startStreaming(&state)
        }
    }

    private func startStreaming(_ state: inout State) throws(V4L2Error) {
        for buffer in state.buffers { try queue.queueBuffer(buffer) }
        try queue.streamOn()
        state.streaming = true
    }

    public func nextBuffers(timeoutMilliseconds: Int32) throws -> [CapturedBuffer]? {
        if state.withLock({ $0.stopped || $0.endReason != nil }) { return nil }
        if let failure = session.outputFailure {
            finish("replay failed (\(failure)); the device produced \(session.produced) capture buffers", normally: false)
            return nil
        }
        // At most 100 ms (also for -1, "forever"), so the end of the replay is noticed.
        let wait = timeoutMilliseconds < 0 ? 100 : min(timeoutMilliseconds, 100)
        let events = try Poller.wait(for: [queue], timeoutMilliseconds: wait)[0]
        try dequeueEvents()
        let outcome = state.withLock { (state: inout State) -> Result<[DequeuedBuffer], V4L2Error> in
            // Waiting to set the queue up for a new format: its LAST buffer is out, and a dequeue
            // would only answer EPIPE.
            guard state.streaming, !state.reconfigureWhenIdle else { return .success([]) }
            var done: [DequeuedBuffer] = []
            do throws(V4L2Error) {
                dequeue: while true {
                    switch try queue.dequeueBuffer() {
                    case .buffer(let buffer):
                        state.lastActivity = MonotonicClock.nanoseconds()
                        state.outstanding.insert(buffer.index)
                        done.append(buffer)
                        if buffer.metadata.flags.contains(.last) { break dequeue }
                    case .noBufferReady:
                        break dequeue
                    case .endOfStream:
                        state.endReason = state.endReason ?? "the device's capture queue ended (EPIPE after V4L2_BUF_FLAG_LAST)"
                        break dequeue
                    }
                }
            } catch {
                return .failure(error)
            }
            return .success(done)
        }
        let dequeued: [DequeuedBuffer]
        switch outcome {
        case .success(let done):
            dequeued = done
        case .failure(let error):
            finish("\(session.device.path) capture failed at \(error.operation): \(error.reason)", normally: false)
            return nil
        }
        var ready: [CapturedBuffer] = []
        for buffer in dequeued {
            let isLast = buffer.metadata.flags.contains(.last)
            let used = buffer.metadata.planes.reduce(0) { $0 + Int($1.bytesUsed) }
            if used > 0 || !isLast {
                session.noteProduced()
                ready.append(capturedBuffer(buffer))
            } else {
                requeue(index: buffer.index)  // The empty LAST marker carries no frame.
            }
            if isLast { try handleLast() }
        }
        try reconfigureIfDue()
        if let reason = endIfDone(events: events) {
            finish(reason, normally: state.withLock { $0.endedNormally })
            return ready.isEmpty ? nil : ready
        }
        return ready
    }

    /// Takes every pending event; a source change is remembered until the LAST buffer of the old
    /// format. Read on every pass, not only when poll said POLLPRI: the driver queues the event
    /// just before it returns that buffer, and one poll may have reported only the buffer.
    private func dequeueEvents() throws(V4L2Error) {
        while let event = try session.device.dequeueEvent() {
            if case .sourceChange = event { state.withLock { $0.pendingSourceChange = true } }
        }
    }

    /// A LAST buffer ends the drain, unless the decoder announced a new format: then the capture
    /// queue is set up again (once the recorder handed every buffer back).
    private func handleLast() throws(V4L2Error) {
        try dequeueEvents()
        state.withLock { state in
            if state.pendingSourceChange {
                state.pendingSourceChange = false
                state.reconfigureWhenIdle = true
            } else if state.endReason == nil {
                state.endReason = "replay finished; the \(session.interface) drained (V4L2_BUF_FLAG_LAST) after "
                    + "\(session.produced) capture buffers from \(session.queued) replayed buffers"
                state.endedNormally = true
            }
        }
    }

    /// dev-decoder.rst, "Dynamic Resolution Change": stream off the capture queue, free its
    /// buffers, read the new format, allocate, stream on; the recording gets a new stream.
    private func reconfigureIfDue() throws {
        try state.withLock { (state: inout State) throws(V4L2Error) in
            guard state.reconfigureWhenIdle, state.outstanding.isEmpty, !state.stopped else { return }
            state.reconfigureWhenIdle = false
            try queue.streamOff()
            state.streaming = false
            state.buffers = []
            try queue.releaseBuffers()
            try configure(&state, announced: .sourceChange)
            try startStreaming(&state)
        }
    }

    /// Why the source is done, when it is: the drain or EPIPE, a 1:1 node's last buffer, a
    /// device that went away, or a device silent long after the replay ended.
    private func endIfDone(events: PollEvents) -> String? {
        if let reason = state.withLock({ $0.endReason }) { return reason }
        let summary = "the device produced \(session.produced) capture buffers from \(session.queued) replayed buffers"
        if events.contains(.hangUp) { return "\(session.device.path) disconnected; \(summary)" }
        guard session.outputFinished else { return nil }
        if !session.interface.drainsWithCommand && session.produced >= session.queued {
            state.withLock { $0.endedNormally = true }
            return "replay finished; \(summary)"
        }
        let idle = state.withLock { MonotonicClock.nanoseconds() - $0.lastActivity }
        if idle > silenceLimitNanoseconds {
            return "the device stopped producing: \(summary), none for \(silenceLimitNanoseconds / 1_000_000_000) s after the replay ended"
                + (session.interface.drainsWithCommand ? " and no buffer flagged V4L2_BUF_FLAG_LAST" : "")
        }
        return nil
    }

    private func finish(_ reason: String, normally: Bool) {
        state.withLock { state in
            if state.endReason == nil || normally { state.endReason = state.endReason ?? reason }
            state.endedNormally = normally
        }
        session.endCapture(reason)
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
        session.endCapture(endReason ?? "stopped")
    }

    deinit {
        stop()
    }

    private func capturedBuffer(_ dequeued: DequeuedBuffer) -> CapturedBuffer {
        let (buffer, streamID) = state.withLock { ($0.buffers[dequeued.index], $0.streams.count) }
        let metadata = dequeued.metadata
        var views: [UnsafeRawBufferPointer] = []
        for (planeIndex, plane) in buffer.planes.enumerated() {
            let used = planeIndex < metadata.planes.count ? Int(metadata.planes[planeIndex].bytesUsed) : 0
            views.append(plane.prefix(used))
        }
        let index = dequeued.index
        return CapturedBuffer(streamID: streamID, metadata: metadata, planeBytes: views,
                              release: { [self] in requeue(index: index) })
    }


    /// Hands capture buffer `index` back to the device (VIDIOC_QBUF), from any thread, once per
    /// dequeue; a no-op after stream-off. While a resolution change waits, buffers stay out.
    private func requeue(index: Int) {
        state.withLock { state in
            guard state.outstanding.remove(index) != nil, state.streaming, !state.reconfigureWhenIdle,
                  index < state.buffers.count else { return }
            do throws(V4L2Error) {
                try queue.queueBuffer(state.buffers[index])
            } catch {
                if state.endReason == nil { state.endReason = "\(session.device.path) capture failed at VIDIOC_QBUF: \(error.reason)" }
            }
        }
    }
}
