import CamrecStore
import Foundation
import Testing
import V4L2Vocabulary

/// Format v2 of the index: the v1 fixture made by camrec 0.1.0 (Tests/Fixtures), its migration,
/// the whole v4l2_format through the index and the chunks, and the refusal of a newer index.
@Suite("Index migration and format v2")
struct IndexMigrationTests {
    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/v1-synthetic.camrec").path

    /// A copy of the v1 fixture in a scratch folder, so no test changes the committed one.
    private func fixtureCopy() throws -> (folder: String, recording: String) {
        let template = NSTemporaryDirectory() + "/camrec-migration-XXXXXX"
        var bytes = Array(template.utf8CString)
        guard let made = mkdtemp(&bytes) else { throw CocoaError(.fileWriteUnknown) }
        let folder = String(cString: made)
        let recording = folder + "/v1.camrec"
        try FileManager.default.copyItem(atPath: Self.fixture, toPath: recording)
        return (folder, recording)
    }

    private func userVersion(_ recording: String) throws -> Int {
        try RecordingIndex.open(path: recording + "/index.sqlite", readOnly: true).database.userVersion()
    }

    @Test("the v1 fixture opens read-only as v1, unchanged, with DEFAULT for the colorimetry it lacks")
    func v1FixtureReadsAsV1() throws {
        let (folder, recording) = try fixtureCopy()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let reader = try RecordingReader(path: recording)
        #expect(reader.index.schemaVersion == 1)
        #expect(reader.streams.map(\.name) == ["main", "preview", "meta"])
        let main = try #require(reader.stream(named: "main"))
        #expect(main.format.pixelFormat == PixelFormat("NV12"))
        #expect(main.format.width == 64 && main.format.height == 48)
        #expect(main.format.colorspace == 8)
        #expect(main.format.ycbcrEncoding == 0 && main.format.quantization == 0)
        #expect(main.format.transferFunction == 0 && main.format.flags == 0)
        #expect(try reader.buffers().count == 9)
        for buffer in try reader.buffers() { _ = try reader.readBuffer(buffer) }
        #expect(try userVersion(recording) == 1, "a reader must not migrate")
    }

    @Test("opening a v1 index for writing migrates it to v2 once: code column filled, colorimetry DEFAULT")
    func v1IndexMigratesToV2() throws {
        let (folder, recording) = try fixtureCopy()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let before = try RecordingReader(path: recording).streams
        let index = try RecordingIndex.open(path: recording + "/index.sqlite", readOnly: false)
        #expect(index.schemaVersion == IndexSchema.currentVersion)
        #expect(try index.database.userVersion() == IndexSchema.currentVersion)
        #expect(try index.database.scalar("SELECT fourcc_code FROM streams WHERE name = ?", [.text("main")])
            == Int64(try #require(PixelFormat("NV12")).rawValue))
        #expect(try index.database.scalar("SELECT fourcc_code FROM streams WHERE name = ?", [.text("meta")])
            == Int64(try #require(PixelFormat("CSMD")).rawValue))
        // Opening again applies nothing more.
        let again = try RecordingIndex.open(path: recording + "/index.sqlite", readOnly: false)
        #expect(again.schemaVersion == IndexSchema.currentVersion)
        let after = try RecordingReader(path: recording)
        #expect(after.index.schemaVersion == IndexSchema.currentVersion)
        #expect(after.streams == before)
    }

    @Test("recover of a v1 folder rebuilds a v2 index from chunks whose JSON lacks the new fields")
    func recoverOfV1WritesV2() throws {
        let (folder, recording) = try fixtureCopy()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let before = try RecordingReader(path: recording)
        let streams = before.streams
        let buffers = try before.buffers().count
        let report = try Recovery.recover(path: recording)
        #expect(report.losses.isEmpty)
        #expect(report.buffers == buffers)
        #expect(try userVersion(recording) == IndexSchema.currentVersion)
        let after = try RecordingReader(path: recording)
        #expect(after.streams == streams)
        for buffer in try after.buffers() { _ = try after.readBuffer(buffer) }
    }

    @Test("an index from a newer camrec is refused, naming its version and the newest this camrec reads")
    func newerIndexIsRefused() throws {
        let (folder, recording) = try fixtureCopy()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try RecordingIndex.open(path: recording + "/index.sqlite", readOnly: false).database
            .execute("PRAGMA user_version = 7")
        for readOnly in [true, false] {
            do {
                _ = try RecordingIndex.open(path: recording + "/index.sqlite", readOnly: readOnly)
                Issue.record("a version 7 index opened")
            } catch let error {
                guard case let .newerSchema(_, found, supported) = error else {
                    Issue.record("wrong error: \(error)")
                    continue
                }
                #expect(found == 7 && supported == IndexSchema.currentVersion)
                #expect(error.description.contains("version 7") && error.description.contains("up to \(IndexSchema.currentVersion)"))
            }
        }
        #expect(throws: StoreError.self) { try RecordingReader(path: recording) }
    }

    @Test("a big-endian fourcc (bit 31) and the whole colorimetry survive the index, the chunks and recover")
    func bigEndianFourccAndColorimetryRoundTrip() throws {
        let template = NSTemporaryDirectory() + "/camrec-be-XXXXXX"
        var bytes = Array(template.utf8CString)
        let folder = String(cString: try #require(mkdtemp(&bytes)))
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/be.camrec"
        // V4L2_PIX_FMT_Y16_BE = v4l2_fourcc_be('Y', '1', '6', ' ').
        let y16BE = PixelFormat(rawValue: 0x2036_3159 | 0x8000_0000)
        #expect(y16BE.description == "Y16-BE")
        #expect(PixelFormat("Y16-BE") == y16BE && PixelFormat("Y16 -BE") == y16BE && PixelFormat("Y16") != y16BE)
        let format = VideoFormat(bufferType: .videoCapture, pixelFormat: y16BE, width: 8, height: 2, field: .none, colorspace: 1,
                                  ycbcrEncoding: 2, quantization: 1, transferFunction: 1, flags: 2,
                                  planes: [PlaneLayout(bytesPerLine: 16, sizeImage: 32)])
        let stream = StreamDescription(id: 1, name: "video0", kind: .video, format: format)
        let info = RecordingInfo(camrecVersion: "test", host: "host", commandLine: "test", startWallNanoseconds: 1,
                                 startMonotonicNanoseconds: 2, source: "test", requestToleranceNanoseconds: 0)
        let writer = try RecordingWriter(path: path, info: info, streams: [stream])
        let encoder = try PlaneEncoder(level: 3)
        let payload = [UInt8](repeating: 7, count: 32)
        let plane = try payload.withUnsafeBytes {
            try encoder.encode($0, metadata: PlaneMetadata(bytesUsed: 32, length: 32), as: PlaneEncoding(for: y16BE))
        }
        try writer.append(EncodedBuffer(bufferID: 1, requestID: 1, requestJoin: .opened, streamID: 1,
                                        metadata: FrameMetadata(status: .ok, sequence: 0,
                                                                 timestamp: BufferTimestamp(nanoseconds: 5, clock: .monotonic),
                                                                 planes: [plane.metadata]),
                                        planes: [plane]))
        try writer.close(stopReason: "test")
        let reader = try RecordingReader(path: path)
        #expect(reader.streams.first?.format == format)
        #expect(reader.streams.first?.format.pixelFormat.rawValue == 0xA036_3159)
        _ = try Recovery.recover(path: path)
        #expect(try RecordingReader(path: path).streams.first?.format == format)
    }

    @Test("a chunk's stream description without the v2 keys (a v1 chunk) decodes with DEFAULT colorimetry")
    func v1StreamJSONDecodes() throws {
        let json = """
            {"bufferType":1,"colorspace":8,"field":1,"fourcc":"NV12","height":48,"planes":[{"bytesPerLine":64,"sizeImage":4608}],"width":64}
            """
        let format = try JSONDecoder().decode(VideoFormat.self, from: Data(json.utf8))
        #expect(format == VideoFormat(bufferType: .videoCapture, pixelFormat: try #require(PixelFormat("NV12")), width: 64, height: 48,
                                       field: .none, colorspace: 8, planes: [PlaneLayout(bytesPerLine: 64, sizeImage: 4608)]))
        let encoded = try JSONEncoder().encode(format)
        #expect(try JSONDecoder().decode(VideoFormat.self, from: encoded) == format)
    }
}
