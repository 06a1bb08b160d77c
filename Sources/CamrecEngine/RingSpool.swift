#if canImport(Glibc)
import Glibc
#endif
import CamrecStore

/// The ring of a ring recording, on disk: the compressed frames of the newest buffers, appended
/// to spool segment files in a folder of the recording (`ring/`), with each buffer's metadata and
/// where its frames are kept in memory (a few hundred bytes a buffer). Memory stays what the
/// recorder's budget allows whatever the ring's size; a segment is deleted once every buffer in it
/// left the ring (evicted, or saved into the recording). The spool is scratch: nothing in it is
/// synced, and the folder is removed when the recording closes (a crash may leave it; `recover`
/// and the readers ignore it). Used by the write stage's thread only.
final class RingSpool {
    /// A buffer in the ring: its metadata and planes without their frames, and where those are.
    struct Entry {
        var buffer: EncodedBuffer
        var segment: Int
        var offset: Int64
        var frameLengths: [Int]
        var storedBytes: Int64 { Int64(frameLengths.reduce(0, +)) }
        var timestampNanoseconds: Int64 { buffer.metadata.timestamp.nanoseconds }
    }

    private struct Segment {
        var descriptor: Int32
        var size: Int64 = 0
        var liveEntries = 0
    }

    static let folderName = "ring"
    /// A segment is closed for appending at this size; small enough that eviction frees disk
    /// space steadily, large enough that a segment holds many frames.
    static let segmentBytes: Int64 = 8 << 20

    private let folder: Int32
    /// The recording folder, by descriptor: it may move (`--force`) while the ring runs.
    private let recordingFolder: Int32
    private let path: String
    private var segments: [Int: Segment] = [:]
    private var currentSegment = 0
    private var entries: [Entry] = []
    private var head = 0
    /// Compressed bytes of the buffers in the ring.
    private(set) var storedBytes: Int64 = 0
    private var removed = false

    /// Creates `ring/` in the recording folder.
    init(recordingFolder folderPath: String) throws(StoreError) {
        path = folderPath + "/" + Self.folderName
        if mkdir(path, 0o755) != 0 && errno != EEXIST { throw .io(operation: "create ring folder", path: path, errno: errno) }
        recordingFolder = open(folderPath, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard recordingFolder >= 0 else { throw .io(operation: "open recording folder", path: folderPath, errno: errno) }
        folder = openat(self.recordingFolder, Self.folderName, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard folder >= 0 else {
            let failure = errno
            _ = close(self.recordingFolder)
            throw .io(operation: "open ring folder", path: path, errno: failure)
        }
    }

    deinit {
        removeAll()
    }

    var count: Int { entries.count - head }
    var isEmpty: Bool { count == 0 }
    var oldest: Entry? { head < entries.count ? entries[head] : nil }
    var newest: Entry? { head < entries.count ? entries.last : nil }

    /// Appends `buffer`'s frames to the spool and keeps its metadata.
    func push(_ buffer: EncodedBuffer) throws(StoreError) {
        let segmentID = try writableSegment()
        guard var segment = segments[segmentID] else { return }
        let offset = segment.size
        var lengths: [Int] = []
        for plane in buffer.planes {
            var written = 0
            while written < plane.frame.count {
                let result = plane.frame.withUnsafeBytes { bytes -> Int in
                    guard let base = bytes.baseAddress else { return 0 }
                    return pwrite(segment.descriptor, base + written, bytes.count - written, off_t(segment.size))
                }
                if result < 0 {
                    if errno == EINTR { continue }
                    throw .io(operation: "write ring spool", path: segmentPath(segmentID), errno: errno)
                }
                written += result
                segment.size += Int64(result)
            }
            lengths.append(plane.frame.count)
        }
        segment.liveEntries += 1
        segments[segmentID] = segment
        var stripped = buffer
        for index in stripped.planes.indices { stripped.planes[index].frame = [] }
        let entry = Entry(buffer: stripped, segment: segmentID, offset: offset, frameLengths: lengths)
        entries.append(entry)
        storedBytes += entry.storedBytes
    }

    /// Drops the oldest buffer from the ring without reading it back.
    func dropOldest() {
        guard let entry = oldest else { return }
        advance(past: entry)
    }

    /// Takes the oldest buffer out of the ring with its frames read back.
    func takeOldest() throws(StoreError) -> EncodedBuffer? {
        guard let entry = oldest else { return nil }
        var buffer = entry.buffer
        if let segment = segments[entry.segment] {
            var offset = entry.offset
            for (index, length) in entry.frameLengths.enumerated() {
                var frame = [UInt8](repeating: 0, count: length)
                var done = 0
                while done < length {
                    let result = frame.withUnsafeMutableBytes { bytes -> Int in
                        guard let base = bytes.baseAddress else { return 0 }
                        return pread(segment.descriptor, base + done, length - done, off_t(offset) + off_t(done))
                    }
                    if result < 0 && errno == EINTR { continue }
                    guard result > 0 else {
                        throw .io(operation: "read ring spool", path: segmentPath(entry.segment), errno: result < 0 ? errno : EIO)
                    }
                    done += result
                }
                offset += Int64(length)
                buffer.planes[index].frame = frame
            }
        }
        advance(past: entry)
        return buffer
    }

    /// Removes every spool file and the folder.
    func removeAll() {
        for (id, segment) in segments {
            _ = close(segment.descriptor)
            _ = unlinkat(folder, Self.segmentName(id), 0)
        }
        segments.removeAll()
        entries.removeAll()
        head = 0
        storedBytes = 0
        if !removed {
            removed = true
            _ = close(folder)
            _ = unlinkat(recordingFolder, Self.folderName, AT_REMOVEDIR)
            _ = close(recordingFolder)
        }
    }

    private func advance(past entry: Entry) {
        head += 1
        storedBytes -= entry.storedBytes
        if head > 4096 && head * 2 > entries.count {
            entries.removeFirst(head)
            head = 0
        }
        guard var segment = segments[entry.segment] else { return }
        segment.liveEntries -= 1
        if segment.liveEntries <= 0 && entry.segment != currentSegment {
            _ = close(segment.descriptor)
            _ = unlinkat(folder, Self.segmentName(entry.segment), 0)
            segments[entry.segment] = nil
        } else {
            segments[entry.segment] = segment
        }
    }

    private func writableSegment() throws(StoreError) -> Int {
        if let segment = segments[currentSegment], segment.size < Self.segmentBytes { return currentSegment }
        // The full one goes once its buffers have left the ring.
        if let full = segments[currentSegment], full.liveEntries <= 0 {
            _ = close(full.descriptor)
            _ = unlinkat(folder, Self.segmentName(currentSegment), 0)
            segments[currentSegment] = nil
        }
        currentSegment += 1
        let descriptor = openat(folder, Self.segmentName(currentSegment), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw .io(operation: "create ring spool", path: segmentPath(currentSegment), errno: errno) }
        segments[currentSegment] = Segment(descriptor: descriptor)
        return currentSegment
    }

    private static func segmentName(_ id: Int) -> String {
        var digits = String(id)
        while digits.count < 6 { digits = "0" + digits }
        return digits + ".spool"
    }

    private func segmentPath(_ id: Int) -> String { path + "/" + Self.segmentName(id) }
}
