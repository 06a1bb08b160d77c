import CamrecStore
import CZstd
import CamrecTestSupport
import Foundation
import Testing
import V4L2Vocabulary

@Suite("Store format")
struct StoreFormatTests {
    private func scratch() throws -> String {
        let template = NSTemporaryDirectory() + "/camrec-store-XXXXXX"
        var bytes = Array(template.utf8CString)
        guard let made = mkdtemp(&bytes) else { throw CocoaError(.fileWriteUnknown) }
        return String(cString: made)
    }

    private func info() -> RecordingInfo {
        RecordingInfo(camrecVersion: "test", host: "host", commandLine: "test", startWallNanoseconds: 1,
                      startMonotonicNanoseconds: 2, source: "test", requestToleranceNanoseconds: 0)
    }

    private func stream(_ fourcc: String, id: Int = 1, size: UInt32) throws -> StreamDescription {
        StreamDescription(id: id, name: fourcc.lowercased(), kind: .video,
                          format: VideoFormat(bufferType: .videoCapture, pixelFormat: try #require(PixelFormat(fourcc)), width: 16, height: 16,
                                               planes: [PlaneLayout(bytesPerLine: 0, sizeImage: size)]))
    }

    @Test("XXH64 agrees with the checksum zstd writes at the end of a frame")
    func checksumMatchesZstd() throws {
        for count in [0, 1, 3, 4, 7, 8, 31, 32, 33, 100, 4096, 100_003] {
            let bytes = (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 7) }
            let encoder = try PlaneEncoder(level: 3)
            let plane = try bytes.withUnsafeBytes {
                try encoder.encode($0, metadata: PlaneMetadata(bytesUsed: UInt32(count), length: UInt32(count)), as: .zstd)
            }
            let trailer = plane.frame.suffix(4)
            let zstdChecksum = trailer.reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            #expect(zstdChecksum == UInt32(truncatingIfNeeded: XXHash64.hash(bytes)), "length \(count)")
        }
    }

    @Test("already-compressed formats are stored without recompression, in frames zstd accepts")
    func compressedFormatsAreStored() throws {
        let folder = try scratch()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/mjpeg.camrec"
        let mjpeg = try stream("MJPG", size: 300_000)
        let writer = try RecordingWriter(path: path, info: info(), streams: [mjpeg])
        let encoder = try PlaneEncoder(level: 3)
        var generator = SystemRandomNumberGenerator()
        let payload = (0..<300_000).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let plane = try payload.withUnsafeBytes {
            try encoder.encode($0, metadata: PlaneMetadata(bytesUsed: 300_000, length: 300_000), as: PlaneEncoding(for: mjpeg.format.pixelFormat))
        }
        #expect(plane.encoding == .stored)
        try writer.append(EncodedBuffer(bufferID: 1, requestID: 1, requestJoin: .opened, streamID: 1,
                                        metadata: FrameMetadata(status: .ok, sequence: 0,
                                                                 timestamp: BufferTimestamp(nanoseconds: 5, clock: .monotonic),
                                                                 planes: [plane.metadata]),
                                        planes: [plane]))
        try writer.close(stopReason: "test")
        let reader = try RecordingReader(path: path)
        let buffers = try reader.buffers()
        #expect(buffers.count == 1)
        #expect(buffers.first?.planes.first?.encoding == .stored)
        #expect(try reader.readBuffer(try #require(buffers.first)) == payload)
        let check = try ChildProcess.run(["/usr/bin/env", "zstd", "-q", "-t", path + "/chunks/000001.zst"])
        #expect(check.status == 0, "\(check.standardError)")
    }

    @Test("an index written by a newer camrec is refused with a message naming both versions")
    func newerSchemaIsRefused() throws {
        let folder = try scratch()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/newer.camrec"
        let writer = try RecordingWriter(path: path, info: info(), streams: [try stream("GREY", size: 256)])
        try writer.close(stopReason: "test")
        do {
            let database = try SQLiteDatabase(path: path + "/index.sqlite", mode: .readWrite)
            try database.execute("PRAGMA user_version = 7")
        }
        let error = #expect(throws: StoreError.self) { _ = try RecordingReader(path: path) }
        let message = error.map { "\($0)" } ?? ""
        #expect(message.contains("version 7"))
        #expect(message.contains("up to \(IndexSchema.currentVersion)"))
        #expect(message.contains("upgrade camrec"))
    }

    @Test("an existing output is never overwritten without being asked")
    func existingOutputIsRefused() throws {
        let folder = try scratch()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/exists.camrec"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
        try Data("keep me".utf8).write(to: URL(fileURLWithPath: path + "/notes.txt"))
        #expect(throws: StoreError.self) {
            _ = try RecordingWriter(path: path, info: info(), streams: [try stream("GREY", size: 256)])
        }
        // Even with replaceExisting, a folder that is not a recording is left alone.
        #expect(throws: StoreError.self) {
            _ = try RecordingWriter(path: path, info: info(), streams: [try stream("GREY", size: 256)],
                                    options: RecordingWriter.Options(replaceExisting: true))
        }
        #expect(FileManager.default.fileExists(atPath: path + "/notes.txt"))
    }

    @Test("chunk names in the index cannot point outside the recording")
    func chunkNamesAreChecked() {
        #expect(throws: StoreError.self) { _ = try RecordingReader.checkedChunkPath(recording: "/r", name: "../../etc/passwd") }
        #expect(throws: StoreError.self) { _ = try RecordingReader.checkedChunkPath(recording: "/r", name: "/etc/passwd") }
        #expect((try? RecordingReader.checkedChunkPath(recording: "/r", name: "000001.zst")) == "/r/chunks/000001.zst")
    }

    @Test("the schema embedded in camrec is the schema/ folder's, file for file")
    func embeddedSchemaMatchesSchemaFolder() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        for migration in IndexSchema.migrations {
            let file = try String(contentsOf: root.appendingPathComponent("schema/" + migration.file), encoding: .utf8)
            #expect(file == migration.sql, "schema/\(migration.file) differs from IndexSchema")
        }
    }
}
