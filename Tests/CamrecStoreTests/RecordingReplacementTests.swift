@testable import CamrecStore
import Foundation
import Testing
import V4L2Vocabulary

/// `--force` at the store: a recording that replaces another is written beside it and takes its
/// place only once it holds a committed buffer; until then, and when it never gets one, the
/// previous recording stays byte for byte.
@Suite("Recording replacement")
struct RecordingReplacementTests {
    @Test func previousRecordingStaysByteIdenticalUntilABufferIsCommitted() throws {
        let folder = try StoreScratch.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/take.camrec"
        try StoreScratch.record(path, buffers: 3, fill: 1)
        let before = try StoreScratch.fileHashes(path)

        var options = RecordingWriter.Options()
        options.replaceExisting = true
        let writer = try RecordingWriter(path: path, info: StoreScratch.info(), streams: [StoreScratch.stream], options: options)
        try writer.addNote(kind: .info, message: "not a buffer")
        try writer.rollChunk()
        #expect(try StoreScratch.fileHashes(path) == before, "a chunk of notes only does not replace")
        #expect(writer.keptPreviousRecording)

        try writer.close(stopReason: "the device did not start")
        #expect(try StoreScratch.fileHashes(path) == before, "a run without buffers leaves the previous recording")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["take.camrec"], "no hidden sibling left")
    }

    @Test func newRecordingTakesThePlaceAtItsFirstCommittedBuffer() throws {
        let folder = try StoreScratch.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/take.camrec"
        try StoreScratch.record(path, buffers: 3, fill: 1)

        var options = RecordingWriter.Options()
        options.replaceExisting = true
        let writer = try RecordingWriter(path: path, info: StoreScratch.info(), streams: [StoreScratch.stream], options: options)
        try writer.append(StoreScratch.buffer(id: 1, fill: 7))
        try writer.rollChunk()
        #expect(!writer.keptPreviousRecording)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["take.camrec"])
        // The writer goes on at the new place after the swap (its index was reopened there).
        try writer.append(StoreScratch.buffer(id: 2, fill: 8))
        try writer.close(stopReason: "test")

        let reader = try RecordingReader(path: path)
        let buffers = try reader.buffers()
        #expect(buffers.count == 2)
        #expect(try buffers.map { try reader.readBuffer($0) } == [[UInt8](repeating: 7, count: 256), [UInt8](repeating: 8, count: 256)])
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["take.camrec"])
    }
}

/// A WAL index in exclusive locking mode, as camrec keeps it on NFS, SMB and 9p (no shared
/// memory there), tested on any disk by asking for that mode; the lab test records on a real 9p mount.
@Suite("Index without shared memory")
struct ExclusiveWALIndexTests {
    @Test func recordingWithExclusiveIndexCreatesNoSharedMemoryFileAndReadsBackWhenClosed() throws {
        let folder = try StoreScratch.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/nfs.camrec"
        let writer = try RecordingWriter(path: path, info: StoreScratch.info(), streams: [StoreScratch.stream],
                                         walIndex: .exclusiveHeap)
        try writer.append(StoreScratch.buffer(id: 1, fill: 3))
        try writer.rollChunk()
        #expect(!FileManager.default.fileExists(atPath: path + "/index.sqlite-shm"))
        try writer.close(stopReason: "test")
        let reader = try RecordingReader(path: path)
        #expect(try reader.buffers().count == 1)
        let notes = try reader.index.database.scalar("SELECT COUNT(*) FROM notes WHERE kind = 'info' AND message LIKE '%exclusive locking mode%'")
        #expect(notes == 1, "the recording says why its index was locked while recording")
    }

    /// A recorder killed on NFS leaves its index in WAL mode; a read-only connection cannot read
    /// that there (SQLite rebuilds a heap wal-index only for a connection that may write), so the
    /// reader's way in must read every committed buffer and change no byte of the recording.
    @Test func killedExclusiveRecordingIsReadWithoutChangingAByte() throws {
        let folder = try StoreScratch.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/live.camrec"
        let writer = try RecordingWriter(path: path, info: StoreScratch.info(), streams: [StoreScratch.stream],
                                         walIndex: .exclusiveHeap)
        for id in 1...3 {
            try writer.append(StoreScratch.buffer(id: Int64(id), fill: UInt8(id)))
            try writer.rollChunk()
        }
        // What a kill -9 leaves: the files as they are while the writer holds them (WAL not checkpointed).
        let killed = folder + "/killed.camrec"
        try FileManager.default.copyItem(atPath: path, toPath: killed)
        #expect(FileManager.default.fileExists(atPath: killed + "/index.sqlite-wal"))
        let before = try StoreScratch.fileHashes(killed)

        // The plain read-only way fails here, as it does on NFS whatever the lock.
        #expect(throws: StoreError.self) {
            let database = try SQLiteDatabase(path: killed + "/index.sqlite", mode: .readOnly)
            try database.execute("PRAGMA locking_mode = EXCLUSIVE")
            _ = try database.userVersion()
        }
        do {
            let index = try RecordingIndex.open(path: killed + "/index.sqlite", readOnly: true, walIndex: .exclusiveHeap)
            #expect(try index.database.scalar("SELECT COUNT(*) FROM buffers") == 3)
            #expect(throws: StoreError.self, "the reader cannot write") {
                try index.database.execute("DELETE FROM notes")
            }
        }
        #expect(try StoreScratch.fileHashes(killed) == before, "reading changed the recording")
        try writer.close(stopReason: "test")
    }
}

/// Recordings and hashes for the store tests.
enum StoreScratch {
    static func folder() throws -> String {
        var bytes = Array((NSTemporaryDirectory() + "/camrec-store-XXXXXX").utf8CString)
        guard let made = mkdtemp(&bytes) else { throw CocoaError(.fileWriteUnknown) }
        return String(cString: made)
    }

    static func info() -> RecordingInfo {
        RecordingInfo(camrecVersion: "test", host: "host", commandLine: "test", startWallNanoseconds: 1,
                      startMonotonicNanoseconds: 2, source: "test", requestToleranceNanoseconds: 0)
    }

    static let stream = StreamDescription(
        id: 1, name: "grey", kind: .video,
        format: VideoFormat(bufferType: .videoCapture, pixelFormat: PixelFormat(rawValue: 0x5945_5247), width: 16, height: 16,
                             planes: [PlaneLayout(bytesPerLine: 16, sizeImage: 256)]))

    static func buffer(id: Int64, fill: UInt8) throws -> EncodedBuffer {
        let bytes = [UInt8](repeating: fill, count: 256)
        let plane = try bytes.withUnsafeBytes {
            try PlaneEncoder(level: 1).encode($0, metadata: PlaneMetadata(bytesUsed: 256, length: 256), as: .zstd)
        }
        return EncodedBuffer(bufferID: id, requestID: id, requestJoin: .opened, streamID: 1,
                             metadata: FrameMetadata(status: .ok, sequence: UInt32(id),
                                                      timestamp: BufferTimestamp(nanoseconds: id * 1000, clock: .monotonic),
                                                      planes: [plane.metadata]),
                             planes: [plane])
    }

    static func record(_ path: String, buffers: Int, fill: UInt8) throws {
        let writer = try RecordingWriter(path: path, info: info(), streams: [stream])
        for id in 1...buffers { try writer.append(buffer(id: Int64(id), fill: fill)) }
        try writer.close(stopReason: "test")
    }

    /// Every file under `path` (relative name) with the XXH64 of its bytes.
    static func fileHashes(_ path: String) throws -> [String: UInt64] {
        var hashes: [String: UInt64] = [:]
        guard let walker = FileManager.default.enumerator(atPath: path) else { return hashes }
        for case let name as String in walker {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path + "/" + name, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
            hashes[name] = XXHash64.hash(Array(try Data(contentsOf: URL(fileURLWithPath: path + "/" + name))))
        }
        return hashes
    }
}
