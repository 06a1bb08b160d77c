import CamrecStore
import Synchronization
import V4L2
import V4L2Vocabulary

/// One capture node of a `V4L2CaptureSource`: its device, queue, buffers and the lock that
/// serialises queue operations between the polling thread (VIDIOC_DQBUF) and the threads that
/// release buffers (VIDIOC_QBUF).
final class V4L2CaptureNode: @unchecked Sendable {
    // @unchecked: `device`, `queue` and `buffers` are only used while holding `lock`, except
    // `pollQueue`, which poll(2) only reads the descriptor of.
    let path: String
    private let device: VideoDevice
    private let queue: BufferQueue
    private let format: VideoFormat
    private let buffers: [FrameBuffer]
    /// The exporter of the DMABUFs this node imports; holding it keeps their memory alive.
    private let exported: V4L2ExportedBuffers?
    private let lock = Mutex(NodeState())
    /// What setting the node up did beyond its format.
    let setupNotes: [String]
    /// Every control's value once the node was set up, before streaming.
    let startControls: [ControlSample]

    private struct NodeState {
        /// Buffers still to hand straight back after STREAMON (`--skip`).
        var skipRemaining = 0
        /// The driver holds buffers (queued, or streaming): a STREAMOFF hands them back.
        var buffersQueued = false
        var streaming = false
        var outstanding: Set<Int> = []
        var dequeuedCount = 0
        var failure: String?
        /// Controls changed while recording (V4L2_EVENT_CTRL), not yet taken by the source.
        var controlChanges: [ControlSample] = []
    }

    enum DequeueOutcome {
        case buffers([CapturedBuffer])
        case ended(reason: String, buffers: [CapturedBuffer])
    }

    init(_ request: V4L2CaptureSource.Node, options: V4L2CaptureSource.Options) throws(V4L2Error) {
        path = request.path
        device = try VideoDevice(path: request.path)
        queue = try device.requireCaptureQueue(purpose: "record")
        format = try V4L2CaptureNode.negotiate(queue, request.format, acceptAdjusted: options.acceptAdjustedFormat)
        var notes: [String] = []
        if let interval = request.frameInterval {
            let offered = try queue.setFrameInterval(interval)
            // Equal fractions: 1/15 and 2/30 are one rate.
            let same = UInt64(offered.numerator) * UInt64(interval.denominator) == UInt64(interval.numerator) * UInt64(offered.denominator)
            if !same && !options.acceptAdjustedFormat {
                throw V4L2Error(kind: .formatAdjusted, operation: "VIDIOC_S_PARM", devicePath: request.path,
                                reason: "asked for \(interval) per frame, the device offered \(offered)",
                                remedy: "Ask for a rate the device lists (`camrec devices` shows each size's intervals), "
                                    + "or add --accept-adjusted-format to record at the offered rate.")
            }
            notes.append("\(request.path): time per frame \(offered) set before streaming"
                         + (same ? "" : " (asked for \(interval); the device adjusted it)"))
        }
        for setting in request.controls {
            try device.setControl(setting.name, to: setting.value)
            let readBack = try device.value(ofControl: setting.name)
            notes.append("\(request.path): control \(setting.name) set to \(setting.value) before streaming"
                         + (readBack == setting.value ? "" : " (the device reads back \(readBack))"))
        }
        // Subscribe before reading, so a change made between the two is seen as a change rather
        // than lost; changes this file handle makes itself (--set-ctrl above) raise no event.
        let controls = try device.controls()
        var unsubscribed: [String] = []
        for control in controls {
            do {
                try device.subscribe(to: .control, id: control.id)
            } catch {
                unsubscribed.append("\(control.key) (\(error.errno.map { V4L2Error.errnoName($0) } ?? error.reason))")
            }
        }
        if !unsubscribed.isEmpty {
            notes.append("\(request.path): changes of these controls while recording cannot be recorded "
                         + "(VIDIOC_SUBSCRIBE_EVENT V4L2_EVENT_CTRL refused): \(unsubscribed.joined(separator: ", "))")
        }
        var samples: [ControlSample] = []
        for control in controls {
            let read = ControlSample.read(control, from: device, at: MonotonicClock.nanoseconds())
            if let failure = read.failure { notes.append("\(request.path): \(failure)") }
            samples.append(read.sample)
        }
        startControls = samples
        if request.skipBuffers > 0 {
            notes.append("\(request.path): the first \(request.skipBuffers) buffers after VIDIOC_STREAMON were handed back unrecorded (--skip)")
        }
        setupNotes = notes
        lock.withLock { $0.skipRemaining = request.skipBuffers }
        switch request.memory {
        case .mmap:
            exported = nil
            try queue.allocateBuffers(count: request.bufferCount)
            // The recorder reads every plane: map them.
            buffers = try queue.mapBuffers()
        case .dmabuf(let exporterPath):
            let exporting = try V4L2ExportedBuffers(exporterPath: exporterPath)
            exported = exporting
            let granted = try queue.importBuffers(count: request.bufferCount)
            buffers = try exporting.makeBuffers(count: granted, planeSizes: format.planes.map(\.sizeImage),
                                                importerPath: request.path)
        }
    }

    /// Sets the requested format (or reads the current one) and refuses an adjusted one.
    private static func negotiate(_ queue: BufferQueue, _ requested: V4L2CaptureSource.RequestedFormat?,
                                  acceptAdjusted: Bool) throws(V4L2Error) -> VideoFormat {
        let current = try queue.currentFormat()
        guard let requested else { return current }
        var wanted = VideoFormat(bufferType: queue.type,
                                 pixelFormat: requested.fourcc ?? current.pixelFormat)
        if !queue.type.isMeta {
            wanted.width = requested.width ?? current.width
            wanted.height = requested.height ?? current.height
        }
        return acceptAdjusted ? try queue.setFormat(wanted) : try queue.setExactFormat(wanted)
    }

    /// The queue to poll; poll(2) only reads its descriptor, so no lock is needed.
    var pollQueue: BufferQueue { queue }

    func streamDescription(id: Int) -> StreamDescription {
        let kind: StreamKind = format.bufferType.isMeta ? .meta : .video
        let number = device.nodeName.drop { !$0.isNumber }
        return StreamDescription(
            id: id, name: kind == .meta ? "meta\(number)" : device.nodeName, kind: kind,
            format: format, device: device.identity)
    }

    /// The driver and kernel behind the node, for the recording.
    func deviceFacts(streamID: Int) -> DeviceFacts {
        DeviceFacts(streamID: streamID, driver: device.info.driver, driverVersion: device.info.versionString,
                    kernelRelease: KernelRelease.current ?? "unknown")
    }

    /// Dequeues pending events (poll reported POLLPRI) and reads the value of each control that
    /// changed; a failure to dequeue is left to the buffer path to find.
    func readControlEvents() {
        lock.withLock { state in
            while let timed = try? device.dequeueTimedEvent() {
                guard case .control(let id) = timed.event else { continue }
                do throws(V4L2Error) {
                    let control = try device.control(id: id)
                    let read = ControlSample.read(control, from: device, at: timed.monotonicNanoseconds)
                    state.controlChanges.append(read.sample)
                } catch {
                    continue  // The control went away with its device; the buffer path reports that.
                }
            }
        }
    }

    /// The control changes read since the last call.
    func takeControlChanges() -> [ControlSample] {
        lock.withLock { state in
            defer { state.controlChanges.removeAll() }
            return state.controlChanges
        }
    }

    /// Hands every buffer to the driver (VIDIOC_QBUF), ready for `streamOn`.
    func queueAllBuffers() throws(V4L2Error) {
        try lock.withLock { (state: inout NodeState) throws(V4L2Error) in
            state.buffersQueued = true
            for buffer in buffers { try queue.queueBuffer(buffer) }
        }
    }

    /// VIDIOC_STREAMON, once `queueAllBuffers` queued the buffers.
    func streamOn() throws(V4L2Error) {
        try lock.withLock { (state: inout NodeState) throws(V4L2Error) in
            try queue.streamOn()
            state.streaming = true
        }
    }

    func stop() {
        lock.withLock { state in
            guard state.streaming || state.buffersQueued else { return }
            state.buffersQueued = false
            state.streaming = false
            state.outstanding.removeAll()
            // A node that is already gone cannot be stopped; its buffers died with it.
            try? queue.streamOff()
        }
    }

    /// Why the node can no longer stream, if a release found out first (a failed VIDIOC_QBUF).
    func failureReason() -> String? { lock.withLock { $0.failure } }

    /// Dequeues every finished buffer; a dequeue error (the device went away) ends the node.
    func dequeueAll(streamID: Int) -> DequeueOutcome {
        var ready: [CapturedBuffer] = []
        while true {
            let result: Result<DequeueResult, V4L2Error> = lock.withLock { state in
                guard state.streaming else { return .success(.noBufferReady) }
                do throws(V4L2Error) {
                    var result = try queue.dequeueBuffer()
                    // --skip: buffers while exposure settles go straight back to the driver.
                    while case .buffer(let buffer) = result, state.skipRemaining > 0 {
                        state.skipRemaining -= 1
                        try queue.queueBuffer(buffers[buffer.index])
                        result = try queue.dequeueBuffer()
                    }
                    if case .buffer(let buffer) = result {
                        state.outstanding.insert(buffer.index)
                        state.dequeuedCount += 1
                    }
                    return .success(result)
                } catch {
                    state.failure = describeEnd(error: error, count: state.dequeuedCount)
                    return .failure(error)
                }
            }
            switch result {
            case .success(.noBufferReady):
                return .buffers(ready)
            case .success(.endOfStream):
                return .ended(reason: describeEnd("returned its last buffer (V4L2_BUF_FLAG_LAST)"), buffers: ready)
            case .success(.buffer(let dequeued)):
                ready.append(capturedBuffer(dequeued, streamID: streamID))
            case .failure:
                return .ended(reason: failureReason() ?? "\(path) failed", buffers: ready)
            }
        }
    }

    /// "<path> <what> after N buffers".
    func describeEnd(_ what: String) -> String {
        let count = lock.withLock { $0.dequeuedCount }
        return "\(path) \(what) after \(count) buffers"
    }

    private func describeEnd(error: V4L2Error, count: Int) -> String {
        let errnoName = error.errno.map { V4L2Error.errnoName($0) } ?? "error"
        if error.kind == .disconnected { return "\(path) disconnected (\(errnoName)) after \(count) buffers" }
        return "\(path) failed at \(error.operation) (\(errnoName)) after \(count) buffers: \(error.reason)"
    }

    private func capturedBuffer(_ dequeued: DequeuedBuffer, streamID: Int) -> CapturedBuffer {
        let buffer = buffers[dequeued.index]
        let metadata = dequeued.metadata
        var views: [UnsafeRawBufferPointer] = []
        for (planeIndex, plane) in buffer.planes.enumerated() {
            let used = planeIndex < metadata.planes.count ? Int(metadata.planes[planeIndex].bytesUsed) : 0
            if case .dmabuf(let dmaBuffer) = plane.memory {
                // Cache maintenance for the CPU read; exporters without caches accept it as a no-op.
                try? dmaBuffer.beginCPUAccess(forWriting: false)
            }
            views.append(plane.prefix(used))
        }
        let index = dequeued.index
        return CapturedBuffer(streamID: streamID, metadata: metadata, planeBytes: views,
                              release: { [self] in requeue(index: index) })
    }

    /// Hands buffer `index` back to the driver (VIDIOC_QBUF); safe from any thread, at most once
    /// per dequeue, and a no-op once the node stopped streaming.
    private func requeue(index: Int) {
        let buffer = buffers[index]
        // Cache maintenance before taking the lock, so the polling thread's DQBUF does not wait on it.
        for plane in buffer.planes {
            if case .dmabuf(let dmaBuffer) = plane.memory { try? dmaBuffer.endCPUAccess(forWriting: false) }
        }
        lock.withLock { state in
            guard state.streaming, state.outstanding.remove(index) != nil else { return }
            do throws(V4L2Error) {
                try queue.queueBuffer(buffer)
            } catch {
                if state.failure == nil { state.failure = describeEnd(error: error, count: state.dequeuedCount) }
            }
        }
    }
}
