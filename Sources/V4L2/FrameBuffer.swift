/// One buffer of a queue as the application sees it: its index in the queue and its memory
/// planes (libcamera's `FrameBuffer`). MMAP buffers come from `BufferQueue.allocateBuffers`
/// (unmapped until `BufferQueue.mapBuffers`); DMABUF buffers are made from imported descriptors
/// with `FrameBuffer(index:importing:)`, one plane per DMABUF or several planes at offsets of one.
public struct FrameBuffer: Sendable {
    /// `v4l2_buffer.index`.
    public var index: Int
    public var planes: [Plane]

    public init(index: Int, planes: [Plane]) {
        self.index = index
        self.planes = planes
    }

    /// A buffer whose planes are the given DMABUF regions; each DMABUF is mapped once for the
    /// CPU, however many planes it carries.
    public init(index: Int, importing regions: [PlaneDescriptor]) throws(V4L2Error) {
        var mappings: [ObjectIdentifier: MappedMemory] = [:]
        var planes: [Plane] = []
        for region in regions {
            let key = ObjectIdentifier(region.buffer)
            let mapping: MappedMemory
            if let existing = mappings[key] {
                mapping = existing
            } else {
                mapping = try region.buffer.map()
                mappings[key] = mapping
            }
            guard UInt64(region.offset) + UInt64(region.length) <= UInt64(region.buffer.length) else {
                throw V4L2Error(kind: .system, operation: "import DMABUF", devicePath: region.buffer.exporterPath,
                                reason: "a plane of \(region.length) bytes at offset \(region.offset) does not fit its DMABUF of \(region.buffer.length) bytes",
                                remedy: "Export larger buffers, or fewer planes per buffer.")
            }
            planes.append(Plane(memory: .dmabuf(region.buffer), offset: region.offset, length: region.length, mapping: mapping))
        }
        self.init(index: index, planes: planes)
    }

    /// A buffer whose planes are whole DMABUFs, one plane each.
    public init(index: Int, importing dmaBuffers: [DMABuffer]) throws(V4L2Error) {
        try self.init(index: index, importing: dmaBuffers.map { PlaneDescriptor(buffer: $0, offset: 0, length: $0.length) })
    }

    /// One memory plane of a buffer (libcamera's `FrameBuffer::Plane { fd, offset, length }`):
    /// where its memory comes from, where inside that memory the plane starts, its length, and
    /// the CPU's view of the memory when it was mapped.
    public struct Plane: Sendable {
        public var memory: PlaneMemory
        /// Where the plane starts inside its memory: 0 for MMAP planes and whole DMABUFs; the
        /// plane's place when several planes share one DMABUF.
        public var offset: UInt32
        /// The plane's length in bytes.
        public var length: UInt32
        /// The plane's memory mapped into this process (the whole DMABUF when planes share one);
        /// nil when it was never mapped (a buffer that is only passed on).
        public var mapping: MappedMemory?

        public init(memory: PlaneMemory, offset: UInt32 = 0, length: UInt32, mapping: MappedMemory?) {
            self.memory = memory
            self.offset = offset
            self.length = length
            self.mapping = mapping
        }

        /// The plane's own bytes inside the mapping, or nil when unmapped.
        public var bytes: UnsafeMutableRawBufferPointer? {
            guard let mapping else { return nil }
            let start = min(Int(offset), mapping.bytes.count)
            let end = min(start + Int(length), mapping.bytes.count)
            return UnsafeMutableRawBufferPointer(rebasing: mapping.bytes[start..<end])
        }

        /// The first `count` bytes of the plane (clamped), read-only; empty when unmapped.
        public func prefix(_ count: Int) -> UnsafeRawBufferPointer {
            guard let bytes else { return UnsafeRawBufferPointer(start: nil, count: 0) }
            return UnsafeRawBufferPointer(rebasing: bytes[0..<min(max(count, 0), bytes.count)])
        }
    }
}

/// A region of a DMABUF that carries one plane: the buffer, where the plane starts in it and how
/// long it is.
public struct PlaneDescriptor: Sendable {
    public var buffer: DMABuffer
    public var offset: UInt32
    public var length: UInt32

    public init(buffer: DMABuffer, offset: UInt32, length: UInt32) {
        self.buffer = buffer
        self.offset = offset
        self.length = length
    }
}

/// Where a plane's memory lives.
public enum PlaneMemory: Sendable {
    /// Driver memory, mapped at this offset of the device node (`v4l2_plane.m.mem_offset`).
    case mmap(offset: UInt32)
    /// A DMABUF imported into the queue (`v4l2_plane.m.fd`).
    case dmabuf(DMABuffer)
}
