#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import SystemPackage

/// A chunk file open for appending: created with O_EXCL so nothing existing is ever
/// overwritten, written sequentially, synced with fdatasync before the index may point into it.
/// System calls go through swift-system's `FileDescriptor` (EINTR retried, `close` never).
final class ChunkFileWriter {
    let path: String
    let name: String
    private var descriptor: FileDescriptor?
    /// Bytes written so far (the offset of the next frame).
    private(set) var size: Int64 = 0
    /// Planes written so far.
    private(set) var planeCount = 0
    /// CLOCK_MONOTONIC nanoseconds when the chunk was opened, for rollover by time.
    let openedAtNanoseconds: Int64

    init(directory: String, name: String) throws(StoreError) {
        let path = directory + "/" + name
        do {
            descriptor = try FileDescriptor.open(FilePath(path), .writeOnly, options: [.create, .exclusiveCreate, .closeOnExec],
                                                 permissions: [.ownerReadWrite, .groupRead, .otherRead])
        } catch {
            throw .io(operation: "create chunk", path: path, errno: errnoValue(error))
        }
        self.path = path
        self.name = name
        openedAtNanoseconds = MonotonicClock.nanoseconds()
        // The new directory entry must survive a crash too.
        try syncDirectory(directory)
    }

    /// Creates the chunk in a folder held open (`ChunkDirectory`), which may be renamed meanwhile.
    init(directory: ChunkDirectory, name: String) throws(StoreError) {
        descriptor = FileDescriptor(rawValue: try directory.createFile(named: name))
        path = directory.path + "/" + name
        self.name = name
        openedAtNanoseconds = MonotonicClock.nanoseconds()
        // The new directory entry must survive a crash too.
        try directory.sync()
    }

    deinit {
        try? descriptor?.close()
    }

    /// Appends bytes; on failure the file is cut back to where this call started, so the
    /// chunk never ends in a partial write that this process knows about.
    func append(_ bytes: [UInt8]) throws(StoreError) {
        guard let descriptor else { throw .io(operation: "write", path: path, errno: EBADF) }
        do {
            _ = try bytes.withUnsafeBytes { try descriptor.writeAll($0) }
        } catch {
            _ = ftruncate(descriptor.rawValue, off_t(size))
            throw .io(operation: "write", path: path, errno: errnoValue(error))
        }
        size += Int64(bytes.count)
    }

    func countPlane() { planeCount += 1 }

    /// Cuts the file back to `length` bytes (to drop a partially written buffer).
    func truncate(to length: Int64, planes: Int) {
        guard let descriptor else { return }
        if ftruncate(descriptor.rawValue, off_t(length)) == 0 {
            size = length
            planeCount = planes
        }
    }

    /// fdatasync, then close. Closing never retries EINTR (the descriptor is gone either way).
    func syncAndClose() throws(StoreError) {
        guard let open = descriptor else { return }
        descriptor = nil
        let synced = Result { () throws(Errno) in try dataSync(open) }
        try? open.close()
        if case .failure(let error) = synced { throw .io(operation: "fdatasync", path: path, errno: error.rawValue) }
    }
}

/// The errno of an error swift-system threw (it throws `Errno`, typed as `any Error`).
func errnoValue(_ error: any Error) -> Int32 { (error as? Errno)?.rawValue ?? EIO }

/// fdatasync(2), retried on EINTR (swift-system has no data-only sync).
func dataSync(_ descriptor: FileDescriptor) throws(Errno) {
    while fdatasync(descriptor.rawValue) != 0 {
        let code = errno
        if code != EINTR { throw Errno(rawValue: code) }
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
/// A chunk file open for reading at arbitrary offsets (pread).
final class ChunkFileReader {
    let path: String
    let descriptor: FileDescriptor
    let size: Int64

    init(path: String) throws(StoreError) {
        let descriptor: FileDescriptor
        do {
            descriptor = try FileDescriptor.open(FilePath(path), .readOnly, options: [.closeOnExec])
        } catch {
            throw errnoValue(error) == ENOENT ? .corrupt(path: path, offset: 0, reason: "chunk file is missing")
                                              : .io(operation: "open chunk", path: path, errno: errnoValue(error))
        }
        let end: Int64
        do {
            end = try descriptor.seek(offset: 0, from: .end)
        } catch {
            try? descriptor.close()
            throw .io(operation: "lseek", path: path, errno: errnoValue(error))
        }
        self.descriptor = descriptor
        self.path = path
        size = end
    }

    deinit {
        try? descriptor.close()
    }

    /// Reads exactly `count` bytes at `offset`, or throws `.corrupt` if the file ends first.
    func read(at offset: Int64, count: Int) throws(StoreError) -> [UInt8] {
        // offset comes from the index: compared without `offset + count`, which could overflow.
        guard offset >= 0, count >= 0, Int64(count) <= size, offset <= size - Int64(count) else {
            throw .corrupt(path: path, offset: offset,
                           reason: "\(count) bytes wanted at offset \(offset) but the chunk has \(size) bytes")
        }
        var failure: Int32 = 0
        // Uninitialised capacity: pread fills it (or the read fails and nothing of it is kept).
        let bytes = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            var done = 0
            while done < count {
                let got: Int
                do {
                    got = try descriptor.read(fromAbsoluteOffset: offset + Int64(done),
                                              into: UnsafeMutableRawBufferPointer(rebasing: UnsafeMutableRawBufferPointer(buffer)[done...]))
                } catch {
                    failure = errnoValue(error)
                    break
                }
                if got == 0 {
                    failure = EIO
                    break
                }
                done += got
            }
            initialized = done
        }
        if failure != 0 { throw .io(operation: "read", path: path, errno: failure) }
        return bytes
    }
}
