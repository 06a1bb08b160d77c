/// One buffer of a queue as the application sees it: its index in the queue and its memory
/// planes (libcamera's `FrameBuffer`). MMAP buffers come from `BufferQueue.allocateBuffers`;
/// DMABUF buffers are made from imported descriptors with `FrameBuffer(index:importing:)`.
public struct FrameBuffer: Sendable {
    /// `v4l2_buffer.index`.
    public var index: Int
    public var planes: [Plane]

    public init(index: Int, planes: [Plane]) {
        self.index = index
        self.planes = planes
    }

    /// A buffer whose planes are the given DMABUFs, each mapped for the CPU.
    public init(index: Int, importing dmaBuffers: [DMABuffer]) throws(V4L2Error) {
        var planes: [Plane] = []
        for buffer in dmaBuffers {
            planes.append(Plane(memory: .dmabuf(buffer), length: buffer.length, mapping: try buffer.map()))
        }
        self.init(index: index, planes: planes)
    }

    /// One memory plane of a buffer: where its memory comes from, its length and the CPU's view of it.
    public struct Plane: Sendable {
        public var memory: PlaneMemory
        /// The plane's allocated length in bytes.
        public var length: UInt32
        /// The plane mapped into this process; nil if it was never mapped.
        public var mapping: MappedMemory?

        public init(memory: PlaneMemory, length: UInt32, mapping: MappedMemory?) {
            self.memory = memory
            self.length = length
            self.mapping = mapping
        }
    }
}

/// Where a plane's memory lives.
public enum PlaneMemory: Sendable {
    /// Driver memory, mapped at this offset of the device node (`v4l2_plane.m.mem_offset`).
    case mmap(offset: UInt32)
    /// A DMABUF imported into the queue (`v4l2_plane.m.fd`).
    case dmabuf(DMABuffer)
}
