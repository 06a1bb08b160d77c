import CV4L2
import V4L2Vocabulary
#if canImport(Glibc)
import Glibc
#endif

/// One buffer queue of a device node (a `vb2_queue` in the kernel): the capture queue of a
/// camera, the output queue of an output node, or either side of an M2M device. Capture and
/// output queues are the same type; `type.isOutput` says which way buffers flow. The buffer
/// type (single or multi-planar, video or metadata) was decided once when the device opened.
///
/// Not thread-safe: callers that queue and dequeue from several threads serialise the calls.
public final class BufferQueue {
    public let type: BufferType
    /// The node this queue belongs to.
    public var devicePath: String { descriptor.path }
    /// The memory type of the current buffers; nil before `allocateBuffers` / `importBuffers`.
    public private(set) var memory: MemoryType?
    /// The buffers from the last `allocateBuffers` (mapped after `mapBuffers`) or
    /// `adoptImportedBuffers`, in index order.
    public private(set) var buffers: [FrameBuffer] = []
    /// How many buffers the driver granted in the last allocation or import.
    public private(set) var bufferCount = 0
    public private(set) var isStreaming = false

    let descriptor: OwnedDescriptor

    init(descriptor: OwnedDescriptor, type: BufferType) {
        self.descriptor = descriptor
        self.type = type
    }

    // MARK: Formats

    /// VIDIOC_G_FMT: the queue's current format.
    public func currentFormat() throws(V4L2Error) -> VideoFormat {
        var raw = v4l2_format()
        raw.type = type.rawValue
        try descriptor.ioctl(.getFormat, &raw)
        return VideoFormat(raw, bufferType: type)
    }

    /// VIDIOC_S_FMT: asks for `format` and returns what the driver set, which may differ (the
    /// driver adjusts rather than refuses); compare with `VideoFormat.satisfies`.
    @discardableResult
    public func setFormat(_ format: VideoFormat) throws(V4L2Error) -> VideoFormat {
        var raw = requestFormat(format).raw
        try descriptor.ioctl(.setFormat, &raw, context: "setting \(format)")
        return VideoFormat(raw, bufferType: type)
    }

    /// VIDIOC_TRY_FMT: what the driver would set for `format`, without changing anything.
    public func tryFormat(_ format: VideoFormat) throws(V4L2Error) -> VideoFormat {
        var raw = requestFormat(format).raw
        try descriptor.ioctl(.tryFormat, &raw, context: "trying \(format)")
        return VideoFormat(raw, bufferType: type)
    }

    /// Sets `format` and throws `.formatAdjusted` when the driver changed it, saying what was asked
    /// and what was offered.
    @discardableResult
    public func setExactFormat(_ format: VideoFormat) throws(V4L2Error) -> VideoFormat {
        let offered = try setFormat(format)
        guard offered.satisfies(requestFormat(format)) else {
            throw V4L2Error(kind: .formatAdjusted, operation: "VIDIOC_S_FMT", devicePath: devicePath,
                            reason: "asked for \(format), the device offered \(offered)",
                            remedy: "Ask for a format the device lists (`camrec devices`), or accept the adjusted format.")
        }
        return offered
    }

    private func requestFormat(_ format: VideoFormat) -> VideoFormat {
        var request = format
        request.bufferType = type
        return request
    }

    /// VIDIOC_ENUM_FMT: every format the queue supports.
    public func formats() throws(V4L2Error) -> [FormatDescription] {
        var result: [FormatDescription] = []
        for index in 0..<UInt32(256) {
            var raw = v4l2_fmtdesc()
            raw.index = index
            raw.type = type.rawValue
            do {
                try descriptor.ioctl(.enumerateFormat, &raw)
            } catch where error.errno == EINVAL {
                break
            }
            result.append(FormatDescription(
                pixelFormat: PixelFormat(rawValue: raw.pixelformat), name: string(fromCArray: raw.description),
                isCompressed: raw.flags & UInt32(V4L2_FMT_FLAG_COMPRESSED) != 0,
                isEmulated: raw.flags & UInt32(V4L2_FMT_FLAG_EMULATED) != 0, flags: raw.flags))
        }
        return result
    }

    /// VIDIOC_ENUM_FRAMESIZES for one format; nil when the driver does not enumerate sizes
    /// (metadata queues, most M2M devices).
    public func frameSizes(for pixelFormat: PixelFormat) throws(V4L2Error) -> FrameSizes? {
        var sizes: [FrameSize] = []
        for index in 0..<UInt32(1024) {
            var raw = v4l2_frmsizeenum()
            raw.index = index
            raw.pixel_format = pixelFormat.rawValue
            do {
                try descriptor.ioctl(.enumerateFrameSizes, &raw)
            } catch where error.errno == EINVAL || error.errno == ENOTTY {
                break
            }
            switch raw.type {
            case V4L2_FRMSIZE_TYPE_DISCRETE.rawValue:
                sizes.append(FrameSize(width: raw.discrete.width, height: raw.discrete.height))
            default:
                let stepwise = raw.stepwise
                let range = FrameSizeRange(minimum: FrameSize(width: stepwise.min_width, height: stepwise.min_height),
                                           maximum: FrameSize(width: stepwise.max_width, height: stepwise.max_height),
                                           widthStep: stepwise.step_width, heightStep: stepwise.step_height)
                return raw.type == V4L2_FRMSIZE_TYPE_CONTINUOUS.rawValue ? .continuous(range) : .stepwise(range)
            }
        }
        return sizes.isEmpty ? nil : .discrete(sizes)
    }

    /// VIDIOC_ENUM_FRAMEINTERVALS for one format and size: the discrete intervals, or the
    /// minimum and maximum of a range; empty when the driver does not enumerate them.
    public func frameIntervals(for pixelFormat: PixelFormat, size: FrameSize) throws(V4L2Error) -> [FrameInterval] {
        var intervals: [FrameInterval] = []
        for index in 0..<UInt32(256) {
            var raw = v4l2_frmivalenum()
            raw.index = index
            raw.pixel_format = pixelFormat.rawValue
            raw.width = size.width
            raw.height = size.height
            do {
                try descriptor.ioctl(.enumerateFrameIntervals, &raw)
            } catch where error.errno == EINVAL || error.errno == ENOTTY {
                break
            }
            if raw.type == V4L2_FRMIVAL_TYPE_DISCRETE.rawValue {
                intervals.append(FrameInterval(numerator: raw.discrete.numerator, denominator: raw.discrete.denominator))
            } else {
                let range = raw.stepwise
                return [FrameInterval(numerator: range.min.numerator, denominator: range.min.denominator),
                        FrameInterval(numerator: range.max.numerator, denominator: range.max.denominator)]
            }
        }
        return intervals
    }

    // MARK: Buffers

    /// VIDIOC_REQBUFS with V4L2_MEMORY_MMAP, then VIDIOC_QUERYBUF for every buffer. Nothing is
    /// mapped: a buffer that is only exported or passed on never needs the CPU's view; call
    /// `mapBuffers` for that. The driver may grant a different count; the result has what it granted.
    @discardableResult
    public func allocateBuffers(count: Int) throws(V4L2Error) -> [FrameBuffer] {
        try requestBuffers(count: count, memory: .mmap)
        var allocated: [FrameBuffer] = []
        do {
            for index in 0..<bufferCount {
                allocated.append(try queryBuffer(index: index))
            }
        } catch {
            allocated.removeAll()
            try? requestBuffers(count: 0, memory: .mmap)
            throw error
        }
        buffers = allocated
        return allocated
    }

    /// Maps every plane of the MMAP buffers from the last `allocateBuffers` into this process
    /// (once; later calls return the same mappings) and returns the buffers with their mappings.
    @discardableResult
    public func mapBuffers() throws(V4L2Error) -> [FrameBuffer] {
        var mapped = buffers
        for (bufferIndex, buffer) in buffers.enumerated() {
            for (planeIndex, plane) in buffer.planes.enumerated() where plane.mapping == nil {
                guard case .mmap(let offset) = plane.memory else { continue }
                mapped[bufferIndex].planes[planeIndex].mapping = try MappedMemory(
                    descriptor: descriptor.rawValue, length: Int(plane.length), offset: Int(offset), devicePath: devicePath,
                    what: "buffer \(buffer.index) plane \(planeIndex)")
            }
        }
        buffers = mapped
        return mapped
    }

    /// Takes imported DMABUF buffers (made with `FrameBuffer(index:importing:)`) as this queue's
    /// buffers, so the queue knows which are queued and which are free.
    public func adoptImportedBuffers(_ imported: [FrameBuffer]) {
        buffers = imported
    }

    /// VIDIOC_REQBUFS with V4L2_MEMORY_DMABUF: prepares `count` slots for buffers exported by
    /// another device; queue them with `FrameBuffer(index:importing:)`. Returns the count granted.
    @discardableResult
    public func importBuffers(count: Int) throws(V4L2Error) -> Int {
        try requestBuffers(count: count, memory: .dmabuf)
        return bufferCount
    }

    /// VIDIOC_EXPBUF: a DMABUF for one plane of one MMAP buffer, to import into another device.
    public func exportDMABuffer(index: Int, plane: Int) throws(V4L2Error) -> DMABuffer {
        guard memory == .mmap, index >= 0, index < buffers.count, plane >= 0, plane < buffers[index].planes.count else {
            throw V4L2Error(kind: .system, operation: "VIDIOC_EXPBUF", devicePath: devicePath,
                            reason: "there is no MMAP buffer \(index) plane \(plane) (\(buffers.count) buffers allocated)",
                            remedy: "Allocate MMAP buffers with allocateBuffers(count:) before exporting them.")
        }
        var raw = v4l2_exportbuffer()
        raw.type = type.rawValue
        raw.index = UInt32(index)
        raw.plane = UInt32(plane)
        raw.flags = UInt32(O_RDWR | O_CLOEXEC)
        try descriptor.ioctl(.exportBuffer, &raw, context: "buffer \(index) plane \(plane)")
        return DMABuffer(adopting: raw.fd, exporterPath: devicePath, fallbackLength: buffers[index].planes[plane].length)
    }

    /// Whether the queue takes buffers in media requests (V4L2_BUF_CAP_SUPPORTS_REQUESTS, from
    /// VIDIOC_REQBUFS with count 0, which allocates nothing). Call it before allocating buffers.
    public func supportsRequests() throws(V4L2Error) -> Bool {
        var raw = v4l2_requestbuffers()
        raw.count = 0
        raw.type = type.rawValue
        raw.memory = MemoryType.mmap.rawValue
        try descriptor.ioctl(.requestBuffers, &raw, context: "0 buffers (asking the queue's capabilities)")
        return raw.capabilities & UInt32(V4L2_BUF_CAP_SUPPORTS_REQUESTS) != 0
    }

    /// Unmaps the MMAP buffers and frees the driver's buffers (VIDIOC_REQBUFS with count 0).
    public func releaseBuffers() throws(V4L2Error) {
        let current = memory ?? .mmap
        buffers = []
        queuedIndices.removeAll()
        try requestBuffers(count: 0, memory: current)
        memory = nil
    }

    private func requestBuffers(count: Int, memory requested: MemoryType) throws(V4L2Error) {
        var raw = v4l2_requestbuffers()
        raw.count = UInt32(clamping: count)
        raw.type = type.rawValue
        raw.memory = requested.rawValue
        try descriptor.ioctl(.requestBuffers, &raw, context: "\(count) \(requested) buffers")
        if count > 0 && raw.count == 0 {
            throw V4L2Error(kind: .system, operation: "VIDIOC_REQBUFS", devicePath: devicePath,
                            reason: "asked for \(count) \(requested) buffers, the driver granted 0",
                            remedy: "The driver cannot provide \(requested) buffers for this format; try the other memory type.")
        }
        bufferCount = Int(raw.count)
        memory = count == 0 ? nil : requested
    }

    private func queryBuffer(index: Int) throws(V4L2Error) -> FrameBuffer {
        let rawPlanes = UnsafeMutablePointer<v4l2_plane>.allocate(capacity: Int(VIDEO_MAX_PLANES))
        defer { rawPlanes.deallocate() }
        rawPlanes.initialize(repeating: v4l2_plane(), count: Int(VIDEO_MAX_PLANES))
        var raw = v4l2_buffer()
        raw.type = type.rawValue
        raw.memory = MemoryType.mmap.rawValue
        raw.index = UInt32(index)
        if type.isMultiplanar {
            raw.m.planes = rawPlanes
            raw.length = UInt32(VIDEO_MAX_PLANES)
        }
        try descriptor.ioctl(.queryBuffer, &raw, context: "buffer \(index)")
        var planes: [FrameBuffer.Plane] = []
        if type.isMultiplanar {
            for planeIndex in 0..<min(Int(raw.length), Int(VIDEO_MAX_PLANES)) {
                planes.append(FrameBuffer.Plane(memory: .mmap(offset: rawPlanes[planeIndex].m.mem_offset),
                                                length: rawPlanes[planeIndex].length, mapping: nil))
            }
        } else {
            planes.append(FrameBuffer.Plane(memory: .mmap(offset: raw.m.offset), length: raw.length, mapping: nil))
        }
        return FrameBuffer(index: index, planes: planes)
    }

    // MARK: Buffer state

    /// Indices of the buffers the device holds (queued and not yet dequeued). The queue keeps
    /// this itself, as libcamera's V4L2BufferCache does, so no caller keeps its own tracker.
    public private(set) var queuedIndices: Set<Int> = []

    /// The buffers the application holds (not queued), in index order.
    public var freeBuffers: [FrameBuffer] { buffers.filter { !queuedIndices.contains($0.index) } }

    // MARK: Queueing

    /// VIDIOC_QBUF. For a capture queue the buffer comes back filled; for an output queue `output`
    /// gives each plane's payload, the timestamp, field and flags (required for output queues).
    /// With `request`, the buffer joins that media request (V4L2_BUF_FLAG_REQUEST_FD) and is
    /// handed to the driver when the request is queued.
    public func queueBuffer(_ buffer: FrameBuffer, output: OutputBufferInfo? = nil, request: MediaRequest? = nil) throws(V4L2Error) {
        guard let memory else {
            throw V4L2Error(kind: .system, operation: "VIDIOC_QBUF", devicePath: devicePath,
                            reason: "no buffers were requested on the \(type) queue",
                            remedy: "Call allocateBuffers(count:) or importBuffers(count:) first.")
        }
        if type.isOutput && output == nil {
            throw V4L2Error(kind: .system, operation: "VIDIOC_QBUF", devicePath: devicePath,
                            reason: "buffer \(buffer.index) was queued on the \(type) queue without its payload sizes",
                            remedy: "Pass an OutputBufferInfo with bytesused per plane.")
        }
        let rawPlanes = UnsafeMutablePointer<v4l2_plane>.allocate(capacity: Int(VIDEO_MAX_PLANES))
        defer { rawPlanes.deallocate() }
        rawPlanes.initialize(repeating: v4l2_plane(), count: Int(VIDEO_MAX_PLANES))
        var raw = v4l2_buffer()
        raw.type = type.rawValue
        raw.memory = memory.rawValue
        raw.index = UInt32(buffer.index)
        let planeTotal = min(buffer.planes.count, Int(VIDEO_MAX_PLANES))
        for index in 0..<planeTotal {
            let plane = buffer.planes[index]
            var rawPlane = v4l2_plane()
            // A plane at an offset of a shared DMABUF: the V4L2 plane is the DMABUF from its start,
            // and the payload begins at data_offset (which bytesused includes).
            rawPlane.length = plane.offset + plane.length
            if case .dmabuf(let dmaBuffer) = plane.memory { rawPlane.m.fd = dmaBuffer.fileDescriptor }
            if let output, index < output.planes.count {
                rawPlane.bytesused = plane.offset + output.planes[index].bytesUsed
                rawPlane.data_offset = plane.offset + output.planes[index].dataOffset
            } else if plane.offset > 0 {
                rawPlane.data_offset = plane.offset
            }
            rawPlanes[index] = rawPlane
        }
        if !type.isMultiplanar, let first = buffer.planes.first, first.offset > 0 {
            throw V4L2Error(kind: .unsupported, operation: "VIDIOC_QBUF", devicePath: devicePath,
                            reason: "buffer \(buffer.index) starts at offset \(first.offset) of its DMABUF, which a single-planar \(type) queue cannot express",
                            remedy: "Import whole DMABUFs into single-planar queues; plane offsets need the multi-planar API.")
        }
        if type.isMultiplanar {
            raw.m.planes = rawPlanes
            raw.length = UInt32(planeTotal)
        } else {
            raw.length = rawPlanes[0].length
            raw.bytesused = rawPlanes[0].bytesused
            if memory == .dmabuf { raw.m.fd = rawPlanes[0].m.fd }
        }
        if let output {
            raw.timestamp = BufferTimestamp(nanoseconds: output.timestampNanoseconds, clock: .unknown).timeval
            raw.field = output.field.rawValue
            raw.flags = output.flags.rawValue
        }
        if let request {
            raw.flags |= UInt32(V4L2_BUF_FLAG_REQUEST_FD)
            raw.request_fd = request.fileDescriptor
        }
        try descriptor.ioctl(.queueBuffer, &raw, context: "buffer \(buffer.index)")
        queuedIndices.insert(buffer.index)
    }

    /// VIDIOC_DQBUF without blocking: the next finished buffer, `.noBufferReady`, or
    /// `.endOfStream` (EPIPE: a codec's capture queue already returned its LAST buffer).
    public func dequeueBuffer() throws(V4L2Error) -> DequeueResult {
        guard let memory else {
            throw V4L2Error(kind: .system, operation: "VIDIOC_DQBUF", devicePath: devicePath,
                            reason: "no buffers were requested on the \(type) queue",
                            remedy: "Call allocateBuffers(count:) or importBuffers(count:) first.")
        }
        let rawPlanes = UnsafeMutablePointer<v4l2_plane>.allocate(capacity: Int(VIDEO_MAX_PLANES))
        defer { rawPlanes.deallocate() }
        rawPlanes.initialize(repeating: v4l2_plane(), count: Int(VIDEO_MAX_PLANES))
        var raw = v4l2_buffer()
        raw.type = type.rawValue
        raw.memory = memory.rawValue
        if type.isMultiplanar {
            raw.m.planes = rawPlanes
            raw.length = UInt32(VIDEO_MAX_PLANES)
        }
        do {
            if case .wouldBlock = try descriptor.ioctlAllowingWouldBlock(.dequeueBuffer, &raw) { return .noBufferReady }
        } catch where error.errno == EPIPE {
            return .endOfStream
        }
        queuedIndices.remove(Int(raw.index))
        let flags = BufferFlags(rawValue: raw.flags)
        let planes: [PlaneMetadata]
        if type.isMultiplanar {
            planes = (0..<min(Int(raw.length), Int(VIDEO_MAX_PLANES))).map {
                PlaneMetadata(bytesUsed: rawPlanes[$0].bytesused, dataOffset: rawPlanes[$0].data_offset,
                              length: rawPlanes[$0].length)
            }
        } else {
            planes = [PlaneMetadata(bytesUsed: raw.bytesused, dataOffset: 0, length: raw.length)]
        }
        let metadata = FrameMetadata(status: flags.contains(.error) ? .error : .ok, sequence: raw.sequence,
                                     timestamp: BufferTimestamp(raw.timestamp, flags: flags), flags: flags,
                                     field: Field(rawValue: raw.field), planes: planes)
        return .buffer(DequeuedBuffer(index: Int(raw.index), metadata: metadata))
    }

    // MARK: Streaming

    /// VIDIOC_STREAMON.
    public func streamOn() throws(V4L2Error) {
        var rawType = Int32(bitPattern: type.rawValue)
        do {
            try descriptor.ioctl(.streamOn, &rawType, context: "\(type) queue")
        } catch where error.errno == EINVAL {
            // With buffers queued, EINVAL at STREAMON is rarely about the arguments: media-controller
            // drivers return it when a pad of this node's pipeline is already streaming in another
            // pipeline (vimc on Linux 6.1: "Raw Capture 1" and "RGB/YUV Capture" both reach Sensor B).
            throw V4L2Error(kind: .system, operation: error.operation, devicePath: error.devicePath, errno: EINVAL,
                            reason: "\(type) queue: the driver refused to start streaming",
                            remedy: "If the node belongs to a media controller pipeline (`media-ctl -p`), another video node may "
                                + "already stream part of that pipeline; record nodes whose pipelines share no entity, "
                                + "or check the format and memory type against `camrec devices`.")
        }
        isStreaming = true
    }

    /// VIDIOC_STREAMOFF: stops streaming and returns every queued buffer to the application.
    public func streamOff() throws(V4L2Error) {
        var rawType = Int32(bitPattern: type.rawValue)
        try descriptor.ioctl(.streamOff, &rawType, context: "\(type) queue")
        isStreaming = false
        queuedIndices.removeAll()
    }

    /// Waits up to `timeoutMilliseconds` (-1: forever) until a buffer can be dequeued (capture:
    /// POLLIN; output: POLLOUT) or the device reports an error.
    public func waitUntilReady(timeoutMilliseconds: Int32) throws(V4L2Error) -> PollEvents {
        try Poller.wait(for: [self], timeoutMilliseconds: timeoutMilliseconds)[0]
    }

    /// The poll events that mean "a buffer is ready" on this queue.
    var readyEvents: Int16 { type.isOutput ? Int16(POLLOUT) : Int16(POLLIN) }
}
