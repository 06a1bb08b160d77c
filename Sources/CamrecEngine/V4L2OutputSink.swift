import CamrecStore
#if canImport(Glibc)
import Glibc
#endif
import V4L2

/// A `FrameSink` over the output queue of a V4L2 node: a video or metadata output node, the
/// output side of an M2M device, or an ISP's input or parameters node; single- or multi-planar.
/// `prepare` sets the recorded format with VIDIOC_S_FMT and refuses, before anything is queued,
/// a format the driver adjusted; it then gets MMAP buffers, or imports DMABUFs exported by
/// another node, and streams on. `send` copies a recorded buffer's planes into a free buffer and
/// queues it (VIDIOC_QBUF) with the recorded bytesused and data offset per plane, timestamp and
/// field, so a V4L2_BUF_FLAG_TIMESTAMP_COPY device (an M2M node) hands the recorded timestamp to
/// its capture side. Buffers the device returns (VIDIOC_DQBUF) are reused. `finish` waits for the
/// device to return every buffer, then streams off, which returns any it still holds.
///
/// The sequence number cannot travel: V4L2 ignores `v4l2_buffer.sequence` on VIDIOC_QBUF and the
/// driver numbers output buffers itself. The timestamp is what links a device's output to the
/// recorded input.
///
/// Used from one thread (the replayer's). The `VideoDevice` may be shared with an
/// `M2MCaptureSource` that runs the capture queue of the same file handle on another thread.
public final class V4L2OutputSink: FrameSink {
    /// How to set up the output queue.
    public struct Options: Sendable, Equatable {
        /// Buffers to ask the driver for (it may grant more or fewer).
        public var bufferCount: Int
        public var memory: OutputMemory
        /// `finish` stops waiting for the device to return buffers after this long without one
        /// coming back (vivid's output, for one, keeps its last buffer until stream-off, so the
        /// capture side can keep showing it); stream-off then returns the rest.
        public var drainTimeoutMilliseconds: Int
        /// `send` gives up when the device has taken no buffer back for this long.
        public var stallTimeoutMilliseconds: Int

        public init(bufferCount: Int = 4, memory: OutputMemory = .mmap, drainTimeoutMilliseconds: Int = 2_000,
                    stallTimeoutMilliseconds: Int = 10_000) {
            self.bufferCount = bufferCount
            self.memory = memory
            self.drainTimeoutMilliseconds = drainTimeoutMilliseconds
            self.stallTimeoutMilliseconds = stallTimeoutMilliseconds
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
    public var sinkDescription: String { "\(device.path) (\(device.info.driver) '\(device.info.card)')" }
    public private(set) var statistics = Statistics()
    /// The format set on the output queue by `prepare`.
    public private(set) var format: VideoFormat?

    private let options: Options
    private let queue: BufferQueue
    private var buffers: [FrameBuffer] = []
    /// Indices of buffers that are the application's (not queued).
    private var freeIndices: [Int] = []
    private var exported: V4L2ExportedBuffers?
    private var streamName = ""

    /// Opens `path` and checks that it has an output queue.
    public convenience init(path: String, options: Options = Options()) throws(V4L2Error) {
        try self.init(device: try VideoDevice(path: path), options: options)
    }

    /// Uses an open device (shared with an `M2MCaptureSource` for M2M nodes).
    public init(device: VideoDevice, options: Options = Options()) throws(V4L2Error) {
        self.device = device
        self.options = options
        queue = try device.requireOutputQueue(purpose: "replay")
    }

    deinit {
        // A replay that failed half-way: hand every buffer back and free the driver's memory.
        if queue.isStreaming { try? queue.streamOff() }
        releaseBuffers()
    }

    // MARK: FrameSink

    public func prepare(stream: StreamDescription) throws {
        let wanted = try V4L2OutputFormat(stream: stream, queueType: queue.type, devicePath: device.path)
        let offered = try setFormat(wanted)
        if let mismatch = wanted.mismatch(offered: offered) {
            let listed = (try? queue.formats().map(\.pixelFormat)) ?? []
            throw wanted.refusal(offered: offered, listed: listed, device: device.path, mismatch: mismatch)
        }
        format = offered
        streamName = stream.name
        switch options.memory {
        case .mmap:
            buffers = try queue.allocateBuffers(count: options.bufferCount)
        case .dmabuf(let exporterPath):
            let pool = try V4L2ExportedBuffers(exporterPath: exporterPath)
            exported = pool
            let granted = try queue.importBuffers(count: options.bufferCount)
            buffers = try pool.makeBuffers(count: granted, planeSizes: offered.planes.map(\.sizeImage), importerPath: device.path)
        }
        freeIndices = buffers.map(\.index)
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

    public func send(_ frame: ReplayFrame) throws {
        guard let index = try takeFreeBuffer() else { return }
        do {
            try queue(frame, in: buffers[index])
        } catch {
            freeIndices.append(index)  // Still the application's: it was never queued.
            throw error
        }
        statistics.queued += 1
    }

    /// Copies a recorded buffer into one of the device's and queues it with the recorded metadata.
    private func queue(_ frame: ReplayFrame, in buffer: FrameBuffer) throws {
        let metadata = frame.metadata
        guard frame.planes.count == buffer.planes.count else {
            throw V4L2Error(kind: .system, operation: "VIDIOC_QBUF", devicePath: device.path,
                            reason: "stream '\(streamName)' buffer sequence \(metadata.sequence) has \(frame.planes.count) planes, "
                                + "the device's buffers have \(buffer.planes.count)",
                            remedy: "The recording's buffers do not match its stream format; check it with `camrec verify`.")
        }
        var planes: [FrameMetadata.Plane] = []
        for (planeIndex, bytes) in frame.planes.enumerated() {
            let plane = buffer.planes[planeIndex]
            guard let mapping = plane.mapping, bytes.count <= mapping.bytes.count else {
                throw V4L2Error(kind: .system, operation: "VIDIOC_QBUF", devicePath: device.path,
                                reason: "stream '\(streamName)' buffer sequence \(metadata.sequence) plane \(planeIndex) has "
                                    + "\(bytes.count) bytes, the device's buffer holds \(plane.mapping?.bytes.count ?? 0)",
                                remedy: "Ask for a larger format on the device, or an --export-device with larger buffers.")
            }
            try write(bytes, into: mapping, plane: plane)
            let recorded = planeIndex < metadata.planes.count ? metadata.planes[planeIndex] : nil
            planes.append(FrameMetadata.Plane(bytesUsed: recorded?.bytesUsed ?? UInt32(bytes.count),
                                              dataOffset: recorded?.dataOffset ?? 0, length: plane.length))
        }
        let info = OutputBufferInfo(planes: planes, timestampNanoseconds: metadata.timestamp.nanoseconds,
                                    field: Field(rawValue: metadata.field),
                                    flags: BufferFlags(rawValue: metadata.flags).intersection(Self.replayedFlags))
        try queue.queueBuffer(buffer, output: info)
    }

    public func finish() throws {
        guard queue.isStreaming else { return }
        var lastProgress = MonotonicClock.nanoseconds()
        while freeIndices.count < buffers.count {
            if StopSignal.requested.load(ordering: .relaxed) { break }
            let events = try queue.waitUntilReady(timeoutMilliseconds: 100)
            if try reclaim() > 0 {
                lastProgress = MonotonicClock.nanoseconds()
            } else if events.contains(.error) || MonotonicClock.nanoseconds() - lastProgress
                        > Int64(options.drainTimeoutMilliseconds) * 1_000_000 {
                break
            }
        }
        statistics.heldAtEnd = buffers.count - freeIndices.count
        // VIDIOC_STREAMOFF hands back every buffer the device still holds.
        try queue.streamOff()
        freeIndices = buffers.map(\.index)
        releaseBuffers()
    }

    // MARK: Buffers

    /// The flags a replay passes on: the frame type of compressed streams. The timestamp-source
    /// bits belong to the queue and the state bits to the kernel.
    static let replayedFlags: BufferFlags = [.keyFrame, .predictedFrame, .bidirectionalFrame]

    /// A buffer the application owns, waiting (poll for POLLOUT, then VIDIOC_DQBUF) while the
    /// device holds all of them; nil when a stop was requested while waiting.
    private func takeFreeBuffer() throws -> Int? {
        let start = MonotonicClock.nanoseconds()
        while freeIndices.isEmpty {
            if StopSignal.requested.load(ordering: .relaxed) { return nil }
            let events = try queue.waitUntilReady(timeoutMilliseconds: 100)
            if try reclaim() > 0 { break }
            let stalled = MonotonicClock.nanoseconds() - start > Int64(options.stallTimeoutMilliseconds) * 1_000_000
            if events.contains(.error) || events.contains(.hangUp) || stalled {
                throw V4L2Error(kind: events.contains(.hangUp) ? .disconnected : .system, operation: "VIDIOC_DQBUF",
                                devicePath: device.path,
                                reason: "the device holds all \(buffers.count) output buffers and returned none "
                                    + (stalled ? "for \(options.stallTimeoutMilliseconds) ms" : "(poll reported an error)")
                                    + " after \(statistics.returned) of \(statistics.queued)",
                                remedy: "An M2M device needs its capture side streaming (--capture-to); otherwise check the device with `camrec devices`.")
            }
        }
        return freeIndices.removeFirst()
    }

    /// Dequeues every buffer the device has finished with; returns how many.
    @discardableResult
    private func reclaim() throws -> Int {
        var count = 0
        while case .buffer(let done) = try queue.dequeueBuffer() {
            freeIndices.append(done.index)
            statistics.returned += 1
            if done.metadata.status == .error { statistics.returnedWithError += 1 }
            count += 1
        }
        return count
    }

    /// Copies a recorded plane into the buffer's memory, inside a DMA_BUF_IOCTL_SYNC bracket for
    /// imported DMABUFs so the device sees what the CPU wrote.
    private func write(_ bytes: [UInt8], into mapping: MappedMemory, plane: FrameBuffer.Plane) throws(V4L2Error) {
        if case .dmabuf(let dmaBuffer) = plane.memory { try dmaBuffer.beginCPUAccess(forWriting: true) }
        bytes.withUnsafeBytes { source in
            if let base = source.baseAddress, let destination = mapping.bytes.baseAddress {
                destination.copyMemory(from: base, byteCount: source.count)
            }
        }
        if case .dmabuf(let dmaBuffer) = plane.memory { try dmaBuffer.endCPUAccess(forWriting: true) }
    }

    /// Unmaps the buffers and frees the driver's memory (VIDIOC_REQBUFS 0), and the exporter's.
    private func releaseBuffers() {
        guard !buffers.isEmpty else { return }
        // The mappings must go first: the driver refuses to free mapped MMAP buffers (EBUSY).
        buffers = []
        freeIndices = []
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
    /// when it has none), exported with VIDIOC_EXPBUF and imported (V4L2_MEMORY_DMABUF).
    case dmabuf(exporterPath: String)
}
