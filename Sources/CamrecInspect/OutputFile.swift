import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A file camrec writes an export to: created new (O_EXCL) unless replacing was asked for, so an
/// existing file is never overwritten by accident; written sequentially; closed on every path.
public final class OutputFile {
    public let path: String
    private var descriptor: Int32
    /// Bytes written so far.
    public private(set) var size: Int64 = 0

    /// Creates `path`; refuses an existing file unless `replace` is set.
    public init(path: String, replace: Bool) throws(InspectError) {
        let flags = O_WRONLY | O_CREAT | O_CLOEXEC | (replace ? O_TRUNC : O_EXCL)
        let descriptor = open(path, flags, 0o644)
        guard descriptor >= 0 else {
            let error = errno
            if error == EEXIST {
                throw .output(path: path, reason: "it already exists; choose another name or pass --force to replace it")
            }
            throw .output(path: path, reason: "\(String(cString: strerror(error))) (errno \(error)); check the folder exists and is writable")
        }
        self.descriptor = descriptor
        self.path = path
    }

    deinit {
        if descriptor >= 0 { _ = Glibc.close(descriptor) }
    }

    public func write(_ bytes: [UInt8]) throws(InspectError) {
        let result: Result<Void, InspectError> = bytes.withUnsafeBytes { buffer in
            Result { () throws(InspectError) in try write(buffer) }
        }
        try result.get()
    }

    public func write(_ buffer: UnsafeRawBufferPointer) throws(InspectError) {
        var offset = 0
        while offset < buffer.count {
            let written = Glibc.write(descriptor, buffer.baseAddress.map { $0 + offset }, buffer.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                let error = errno
                throw .output(path: path, reason: "\(String(cString: strerror(error))) (errno \(error))"
                              + (error == ENOSPC ? "; the disk is full" : ""))
            }
            offset += written
        }
        size += Int64(buffer.count)
    }

    /// Closes the file; a close error (e.g. NFS reporting a late write failure) is reported.
    public func close() throws(InspectError) {
        guard descriptor >= 0 else { return }
        let result = Glibc.close(descriptor)
        descriptor = -1
        if result != 0 {
            throw .output(path: path, reason: "close failed: \(String(cString: strerror(errno)))")
        }
    }

    /// Writes a whole file at once.
    public static func write(_ bytes: [UInt8], to path: String, replace: Bool) throws(InspectError) {
        let file = try OutputFile(path: path, replace: replace)
        try file.write(bytes)
        try file.close()
    }
}
