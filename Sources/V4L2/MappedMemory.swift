#if canImport(Glibc)
import Glibc
#endif

/// A region of device memory mapped into this process with mmap (a V4L2 MMAP plane or a
/// DMABUF), unmapped when the last reference goes away. Plane views handed to other code stay
/// valid as long as they hold on to this object.
public final class MappedMemory: @unchecked Sendable {
    // @unchecked: the mapping never changes after init; what is written through it is the
    // caller's protocol with the device (a buffer is the application's only between DQBUF and QBUF).
    public let bytes: UnsafeMutableRawBufferPointer

    /// Maps `length` bytes of `descriptor` at `offset`, shared, readable and writable.
    init(descriptor: Int32, length: Int, offset: Int, devicePath: String, what: String) throws(V4L2Error) {
        guard length > 0 else {
            throw V4L2Error(kind: .system, operation: "mmap", devicePath: devicePath,
                            reason: "\(what) has length 0", remedy: "The driver reported an empty buffer; set a format first.")
        }
        let address = mmap(nil, length, PROT_READ | PROT_WRITE, MAP_SHARED, descriptor, off_t(offset))
        guard let address, address != MAP_FAILED else {
            throw V4L2Error(operation: "mmap", devicePath: devicePath, errno: errno, context: what)
        }
        bytes = UnsafeMutableRawBufferPointer(start: address, count: length)
    }

    deinit {
        if let base = bytes.baseAddress { _ = munmap(base, bytes.count) }
    }

    /// The first `count` bytes (clamped to the mapping), read-only.
    public func prefix(_ count: Int) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: bytes[0..<min(max(count, 0), bytes.count)])
    }
}
