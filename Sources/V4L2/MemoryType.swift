import CV4L2

/// How a queue's buffer memory is provided (`enum v4l2_memory`).
public enum MemoryType: UInt32, Sendable, CaseIterable, CustomStringConvertible {
    /// The driver allocates the buffers; the application maps them (V4L2_MEMORY_MMAP).
    case mmap = 1
    /// The application imports DMABUF file descriptors exported by another device (V4L2_MEMORY_DMABUF).
    case dmabuf = 4

    public var description: String {
        switch self {
        case .mmap: "mmap"
        case .dmabuf: "dmabuf"
        }
    }
}
