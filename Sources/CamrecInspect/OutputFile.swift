import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif
import SystemPackage

/// A file camrec writes an export to: created new (O_EXCL) unless replacing was asked for, so an
/// existing file is never overwritten by accident; written sequentially; closed on every path.
/// Replacing (`export --force`) writes a hidden sibling (`.NAME.partial-PID-N`) and renames it
/// over the old file only when `close` succeeds: an export that fails half-way leaves the previous
/// file byte for byte as it was, and a reader never sees half a file.
public final class OutputFile {
    public let path: String
    private var descriptor: FileDescriptor?
    /// Bytes written so far.
    public private(set) var size: Int64 = 0
    /// The hidden sibling being written when replacing; renamed to `path` by `close`.
    private var partialPath: String?

    /// Creates `path`; refuses an existing file unless `replace` is set.
    public init(path: String, replace: Bool) throws(InspectError) {
        var target = path
        var flags = O_WRONLY | O_CREAT | O_CLOEXEC | O_EXCL
        var status = stat()
        if replace {
            if stat(path, &status) == 0 && (status.st_mode & S_IFMT) != S_IFREG {
                // A device or a pipe (/dev/null, a FIFO) has nothing to keep: write into it.
                flags = O_WRONLY | O_CLOEXEC
            } else {
                target = Self.partialPath(for: path)
                partialPath = target
            }
        }
        let opened = open(target, flags, 0o644)
        guard opened >= 0 else {
            let error = errno
            if error == EEXIST && !replace {
                throw .output(path: path, reason: "it already exists; choose another name or pass --force to replace it")
            }
            throw .output(path: target, reason: "\(String(cString: strerror(error))) (errno \(error)); check the folder exists and is writable")
        }
        descriptor = FileDescriptor(rawValue: opened)
        self.path = path
    }

    private static let partialCounter = Mutex(0)

    private static func partialPath(for path: String) -> String {
        let number = partialCounter.withLock { counter in
            counter += 1
            return counter
        }
        let parent = (path as NSString).deletingLastPathComponent
        let name = (path as NSString).lastPathComponent
        return (parent.isEmpty ? "" : parent + "/") + ".\(name).partial-\(getpid())-\(number)"
    }

    deinit {
        try? descriptor?.close()
        // Not closed successfully: the export failed, and the file it was to replace stays.
        if let partialPath { unlink(partialPath) }
    }

    public func write(_ bytes: [UInt8]) throws(InspectError) {
        let result: Result<Void, InspectError> = bytes.withUnsafeBytes { buffer in
            Result { () throws(InspectError) in try write(buffer) }
        }
        try result.get()
    }

    public func write(_ buffer: UnsafeRawBufferPointer) throws(InspectError) {
        guard let descriptor else { throw .output(path: path, reason: "the file was already closed") }
        do {
            // swift-system's writeAll: the whole buffer, EINTR retried.
            _ = try descriptor.writeAll(buffer)
        } catch {
            let code = (error as? Errno)?.rawValue ?? EIO
            throw .output(path: path, reason: "\(String(cString: strerror(code))) (errno \(code))"
                          + (code == ENOSPC ? "; the disk is full" : ""))
        }
        size += Int64(buffer.count)
    }

    /// Closes the file; a close error (e.g. NFS reporting a late write failure) is reported.
    public func close() throws(InspectError) {
        guard let open = descriptor else { return }
        descriptor = nil
        do {
            try open.close()
        } catch {
            let code = (error as? Errno)?.rawValue ?? EIO
            throw .output(path: path, reason: "close failed: \(String(cString: strerror(code)))")
        }
        if let partialPath {
            if rename(partialPath, path) != 0 {
                let error = errno
                throw .output(path: path, reason: "cannot replace it with the finished export \(partialPath): "
                              + "\(String(cString: strerror(error))) (errno \(error))")
            }
            self.partialPath = nil
        }
    }

    /// Writes a whole file at once.
    public static func write(_ bytes: [UInt8], to path: String, replace: Bool) throws(InspectError) {
        let file = try OutputFile(path: path, replace: replace)
        try file.write(bytes)
        try file.close()
    }
}
