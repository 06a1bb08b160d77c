#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A recording's `chunks/` folder held open by descriptor: chunk files are created relative to
/// it (openat) and its entries synced through it (fsync), so they land in the right folder even
/// when the recording's folder is renamed meanwhile (a `--force` recording moving into the place
/// of the one it replaces, done by the commit stage on its own thread).
final class ChunkDirectory {
    /// Where the folder was when it was opened; for error messages.
    let path: String
    let descriptor: Int32

    init(path: String) throws(StoreError) {
        let descriptor = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { throw .io(operation: "open directory", path: path, errno: errno) }
        self.path = path
        self.descriptor = descriptor
    }

    deinit {
        _ = Glibc.close(descriptor)
    }

    /// Creates a new file in the folder (O_EXCL: nothing existing is overwritten).
    func createFile(named name: String) throws(StoreError) -> Int32 {
        let file = openat(descriptor, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard file >= 0 else { throw .io(operation: "create chunk", path: path + "/" + name, errno: errno) }
        return file
    }

    /// Makes the folder's entries (a new chunk's name) survive a crash.
    func sync() throws(StoreError) {
        if fsync(descriptor) != 0 && errno != EINVAL {
            throw .io(operation: "fsync directory", path: path, errno: errno)
        }
    }
}
