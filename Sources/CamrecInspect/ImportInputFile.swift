#if canImport(Glibc)
import Glibc
#endif
import SystemPackage

/// A file another tool wrote, read front to back in pieces (never whole: a capture may be bigger
/// than memory), with the offset of what was read last, for messages.
final class ImportInputFile {
    let path: String
    private let descriptor: FileDescriptor
    /// Bytes consumed so far.
    private(set) var offset: Int64 = 0
    private var buffered: [UInt8] = []
    private var start = 0

    init(path: String) throws(ImportError) {
        self.path = path
        do {
            descriptor = try FileDescriptor.open(path, .readOnly, options: [.closeOnExec], retryOnInterrupt: true)
        } catch let error as Errno {
            throw .unreadable(path: path, errno: error.rawValue)
        } catch {
            throw .unreadable(path: path, errno: EIO)
        }
    }

    deinit { try? descriptor.close() }

    /// Reads more into the buffer; false at the end of the file.
    private func fill(atLeast count: Int) throws(ImportError) -> Bool {
        if start > 0 && start >= buffered.count / 2 {
            buffered.removeFirst(start)
            start = 0
        }
        var chunk = [UInt8](repeating: 0, count: max(count, 1 << 20))
        let read: Int
        do {
            read = try chunk.withUnsafeMutableBytes { try descriptor.read(into: $0, retryOnInterrupt: true) }
        } catch let error as Errno {
            throw .unreadable(path: path, errno: error.rawValue)
        } catch {
            throw .unreadable(path: path, errno: EIO)
        }
        guard read > 0 else { return false }
        buffered += chunk[0..<read]
        return true
    }

    /// Exactly `count` bytes; nil at a clean end of file (nothing left), an error when the file
    /// ends part-way through them.
    func read(_ count: Int, what: String) throws(ImportError) -> [UInt8]? {
        while buffered.count - start < count {
            guard try fill(atLeast: count - (buffered.count - start)) else {
                if buffered.count == start { return nil }
                throw .malformed(path: path, offset: offset,
                                 reason: "the file ends \(buffered.count - start) bytes into \(what) of \(count) bytes")
            }
        }
        let bytes = Array(buffered[start..<(start + count)])
        start += count
        offset += Int64(count)
        return bytes
    }

    /// A line up to (not including) "\n", at most `limit` bytes; nil at a clean end of file.
    func line(limit: Int, what: String) throws(ImportError) -> String? {
        var scanned = start
        while true {
            if let newline = buffered[scanned...].firstIndex(of: 0x0A) {
                guard newline - start <= limit else { break }
                let text = String(decoding: buffered[start..<newline], as: UTF8.self)
                offset += Int64(newline + 1 - start)
                start = newline + 1
                return text
            }
            guard buffered.count - start <= limit else { break }
            scanned = buffered.count
            let before = start
            guard try fill(atLeast: 4096) else {
                if buffered.count == start { return nil }
                throw .malformed(path: path, offset: offset, reason: "the file ends inside \(what)")
            }
            scanned -= before - start  // fill may have moved the buffer's start to 0
        }
        throw .malformed(path: path, offset: offset, reason: "\(what) is longer than \(limit) bytes: is this the right file type?")
    }
}
