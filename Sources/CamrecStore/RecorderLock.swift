#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Foundation

/// `NAME.camrec/recorder.pid` while a recorder writes the recording: the recorder's process id,
/// with an exclusive flock(2) held on it for as long as the recorder runs. Readers ask it whether
/// the recording is still open (the lock is held; a file whose lock is free was left by a
/// recorder that was killed), and `camrec trigger` which process to signal. The lock goes with the
/// process, so a killed recorder never leaves a recording that looks open.
///
/// The file is reached through a descriptor of the recording folder, so it follows the folder
/// when a `--force` recording moves into the place of the one it replaces.
public final class RecorderLock {
    public static let fileName = "recorder.pid"

    private let folderDescriptor: Int32
    private let fileDescriptor: Int32

    /// Creates the file in `folder`, writes this process's id and locks it.
    init(folder: String) throws(StoreError) {
        let path = folder + "/" + Self.fileName
        let directory = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard directory >= 0 else { throw .io(operation: "open recording folder", path: folder, errno: errno) }
        let file = openat(directory, Self.fileName, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard file >= 0 else {
            let failure = errno
            _ = close(directory)
            throw .io(operation: "create", path: path, errno: failure)
        }
        // A file system without flock (some network ones) still gets the pid; readers then ask
        // whether that process lives.
        if flock(file, LOCK_EX | LOCK_NB) != 0 && errno == EWOULDBLOCK {
            _ = close(file)
            _ = close(directory)
            throw .io(operation: "lock (another recorder writes this recording)", path: path, errno: EWOULDBLOCK)
        }
        let text = Array("\(getpid())\n".utf8)
        _ = text.withUnsafeBytes { write(file, $0.baseAddress, $0.count) }
        folderDescriptor = directory
        fileDescriptor = file
    }

    /// Removes the file and lets the lock go: the recording is closed.
    func release() {
        _ = unlinkat(folderDescriptor, Self.fileName, 0)
        _ = close(fileDescriptor)
        _ = close(folderDescriptor)
    }

    /// The process id of the recorder that still writes the recording at `recording`, or nil
    /// when none does (no file, or a file whose lock is free: its recorder is gone).
    public static func activeRecorder(of recording: String) -> Int32? {
        let file = open(recording + "/" + fileName, O_RDONLY | O_CLOEXEC)
        guard file >= 0 else { return nil }
        defer { _ = close(file) }
        var lockedByOther = false
        if flock(file, LOCK_SH | LOCK_NB) == 0 {
            _ = flock(file, LOCK_UN)
            return nil
        } else {
            lockedByOther = errno == EWOULDBLOCK
        }
        var bytes = [UInt8](repeating: 0, count: 32)
        let count = bytes.withUnsafeMutableBytes { read(file, $0.baseAddress, $0.count) }
        guard count > 0 else { return nil }
        let text = String(decoding: bytes[0..<count], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let pid = Int32(text), pid > 0 else { return nil }
        // Without flock, the process must at least still exist.
        return lockedByOther || kill(pid, 0) == 0 || errno == EPERM ? pid : nil
    }
}
