import CV4L2
#if canImport(Glibc)
import Glibc
#endif

/// A DMABUF: a file descriptor for a buffer in kernel memory, exported by one device
/// (VIDIOC_EXPBUF) and imported by another (V4L2_MEMORY_DMABUF), or mapped for the CPU.
/// Owns its descriptor and closes it once when the last reference goes away.
public final class DMABuffer: Sendable {
    private let descriptor: OwnedDescriptor
    /// The buffer's size in bytes (as the exporter allocated it).
    public let length: UInt32
    /// The node that exported it, for messages.
    public let exporterPath: String

    /// Adopts a descriptor returned by VIDIOC_EXPBUF.
    init(adopting fd: Int32, exporterPath: String, fallbackLength: UInt32) {
        descriptor = OwnedDescriptor(adopting: fd, path: "dmabuf from \(exporterPath)")
        self.exporterPath = exporterPath
        // A DMABUF's size is its end offset; fall back to what the exporter reported.
        let end = lseek(fd, 0, SEEK_END)
        length = end > 0 ? UInt32(clamping: end) : fallbackLength
    }

    /// The raw descriptor, for `v4l2_buffer.m.fd` / `v4l2_plane.m.fd`; valid while `self` lives.
    public var fileDescriptor: Int32 { descriptor.rawValue }

    /// Maps the whole buffer for CPU access.
    public func map() throws(V4L2Error) -> MappedMemory {
        try MappedMemory(descriptor: descriptor.rawValue, length: Int(length), offset: 0,
                         devicePath: descriptor.path, what: "DMABUF of \(length) bytes")
    }

    /// Brackets CPU access to a mapping (DMA_BUF_IOCTL_SYNC START), so caches are coherent.
    public func beginCPUAccess(forWriting writing: Bool) throws(V4L2Error) {
        try sync(CV4L2_DMA_BUF_SYNC_START | (writing ? CV4L2_DMA_BUF_SYNC_WRITE : CV4L2_DMA_BUF_SYNC_READ))
    }

    /// Ends CPU access begun with `beginCPUAccess` (DMA_BUF_IOCTL_SYNC END).
    public func endCPUAccess(forWriting writing: Bool) throws(V4L2Error) {
        try sync(CV4L2_DMA_BUF_SYNC_END | (writing ? CV4L2_DMA_BUF_SYNC_WRITE : CV4L2_DMA_BUF_SYNC_READ))
    }

    private func sync(_ flags: UInt64) throws(V4L2Error) {
        var request = dma_buf_sync(flags: flags)
        try descriptor.ioctl(.dmaBufferSync, &request)
    }
}
