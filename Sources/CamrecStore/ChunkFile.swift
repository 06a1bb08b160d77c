#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A chunk file open for appending: created with O_EXCL so nothing existing is ever
/// overwritten, written sequentially, synced with fdatasync before the index may point into it.
final class ChunkFileWriter {
    let path: String
    let name: String
    private(set) var descriptor: Int32
    /// Bytes written so far (the offset of the next frame).
    private(set) var size: Int64 = 0
    /// Planes written so far.
    private(set) var planeCount = 0
    /// CLOCK_MONOTONIC nanoseconds when the chunk was opened, for rollover by time.
    let openedAtNanoseconds: Int64

    init(directory: String, name: String) throws(StoreError) {
        let path = directory + "/" + name
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw .io(operation: "create chunk", path: path, errno: errno) }
        self.descriptor = descriptor
        self.path = path
        self.name = name
        openedAtNanoseconds = MonotonicClock.nanoseconds()
        // The new directory entry must survive a crash too.
        try syncDirectory(directory)
    }

    /// Creates the chunk in a folder held open (`ChunkDirectory`), which may be renamed meanwhile.
    init(directory: ChunkDirectory, name: String) throws(StoreError) {
        descriptor = try directory.createFile(named: name)
        path = directory.path + "/" + name
        self.name = name
        openedAtNanoseconds = MonotonicClock.nanoseconds()
        // The new directory entry must survive a crash too.
        try directory.sync()
    }

    deinit {
        if descriptor >= 0 { _ = Glibc.close(descriptor) }
    }

    /// Appends bytes; on failure the file is cut back to where this call started, so the
    /// chunk never ends in a partial write that this process knows about.
    func append(_ bytes: [UInt8]) throws(StoreError) {
        let start = size
        let result = bytes.withUnsafeBytes { buffer -> Int32 in
            var offset = 0
            while offset < buffer.count {
                let written = write(descriptor, buffer.baseAddress.map { $0 + offset }, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                offset += written
            }
            return 0
        }
        if result != 0 {
            _ = ftruncate(descriptor, off_t(start))
            throw .io(operation: "write", path: path, errno: result)
        }
        size += Int64(bytes.count)
    }

    func countPlane() { planeCount += 1 }

    /// Cuts the file back to `length` bytes (to drop a partially written buffer).
    func truncate(to length: Int64, planes: Int) {
        if ftruncate(descriptor, off_t(length)) == 0 {
            size = length
            planeCount = planes
        }
    }

    /// fdatasync, then close. Closing never retries EINTR (the descriptor is gone either way).
    func syncAndClose() throws(StoreError) {
        guard descriptor >= 0 else { return }
        var code: Int32 = 0
        repeat { code = fdatasync(descriptor) } while code != 0 && errno == EINTR
        let syncError = code != 0 ? errno : 0
        _ = Glibc.close(descriptor)
        descriptor = -1
        if syncError != 0 { throw .io(operation: "fdatasync", path: path, errno: syncError) }
    }
}

/// fsync on a directory, so entries created in it are durable.
func syncDirectory(_ path: String) throws(StoreError) {
    let descriptor = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    guard descriptor >= 0 else { throw .io(operation: "open directory", path: path, errno: errno) }
    defer { _ = Glibc.close(descriptor) }
    if fsync(descriptor) != 0 && errno != EINVAL {
        throw .io(operation: "fsync directory", path: path, errno: errno)
    }
}

/// A chunk file open for reading at arbitrary offsets (pread).
final class ChunkFileReader {
    let path: String
    let descriptor: Int32
    let size: Int64

    init(path: String) throws(StoreError) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw errno == ENOENT ? .corrupt(path: path, offset: 0, reason: "chunk file is missing")
                                  : .io(operation: "open chunk", path: path, errno: errno)
        }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            let error = errno
            _ = Glibc.close(descriptor)
            throw .io(operation: "stat", path: path, errno: error)
        }
        self.descriptor = descriptor
        self.path = path
        size = Int64(status.st_size)
    }

    deinit {
        _ = Glibc.close(descriptor)
    }

    /// Reads exactly `count` bytes at `offset`, or throws `.corrupt` if the file ends first.
    func read(at offset: Int64, count: Int) throws(StoreError) -> [UInt8] {
        // offset comes from the index: compared without `offset + count`, which could overflow.
        guard offset >= 0, count >= 0, Int64(count) <= size, offset <= size - Int64(count) else {
            throw .corrupt(path: path, offset: offset,
                           reason: "\(count) bytes wanted at offset \(offset) but the chunk has \(size) bytes")
        }
        var error: Int32 = 0
        // Uninitialised capacity: pread fills it (or the read fails and nothing of it is kept).
        let bytes = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            var done = 0
            while done < count {
                let got = pread(descriptor, buffer.baseAddress.map { $0 + done }, count - done, off_t(offset) + off_t(done))
                if got < 0 {
                    if errno == EINTR { continue }
                    error = errno
                    break
                }
                if got == 0 {
                    error = EIO
                    break
                }
                done += got
            }
            initialized = done
        }
        if error != 0 { throw .io(operation: "read", path: path, errno: error) }
        return bytes
    }
}
