import CamrecStore
import Foundation
import Testing
import V4L2Vocabulary

/// `recover` on chunks that the fuzzer (tools/fuzz recover) damaged: every one must end in a
/// report or a `StoreError` that says what was wrong, never a trap.
@Suite("recover on damaged chunks")
struct RecoverDamagedChunkTests {
    private func scratch() throws -> String {
        var bytes = Array((NSTemporaryDirectory() + "/camrec-recover-XXXXXX").utf8CString)
        guard let made = mkdtemp(&bytes) else { throw CocoaError(.fileWriteUnknown) }
        return String(cString: made)
    }

    private func info() -> RecordingInfo {
        RecordingInfo(camrecVersion: "test", host: "host", commandLine: "test", startWallNanoseconds: 1,
                      startMonotonicNanoseconds: 2, source: "test", requestToleranceNanoseconds: 0)
    }

    private func stream(id: Int, name: String) throws -> StreamDescription {
        StreamDescription(id: id, name: name, kind: .video,
                          format: VideoFormat(bufferType: .videoCapture, pixelFormat: try #require(PixelFormat("GREY")), width: 16, height: 16,
                                               planes: [PlaneLayout(bytesPerLine: 16, sizeImage: 256)]))
    }

    /// A recording of one GREY stream with `count` buffers, and its index removed as after a crash.
    private func recordingWithoutIndex(in folder: String, buffers count: Int) throws -> String {
        let path = folder + "/r.camrec"
        let writer = try RecordingWriter(path: path, info: info(), streams: [try stream(id: 1, name: "grey")])
        let encoder = try PlaneEncoder(level: 1)
        for index in 0..<count {
            let bytes = [UInt8](repeating: UInt8(index), count: 256)
            let plane = try bytes.withUnsafeBytes {
                try encoder.encode($0, metadata: PlaneMetadata(bytesUsed: 256, length: 256), as: .zstd)
            }
            try writer.append(EncodedBuffer(
                bufferID: Int64(index + 1), requestID: Int64(index + 1), requestJoin: .opened, streamID: 1,
                metadata: FrameMetadata(status: .ok, sequence: UInt32(index),
                                         timestamp: BufferTimestamp(nanoseconds: Int64(index) * 1000, clock: .monotonic),
                                         planes: [plane.metadata]),
                planes: [plane]))
        }
        try writer.close(stopReason: "test")
        try FileManager.default.removeItem(atPath: path + "/index.sqlite")
        return path
    }

    // Found by tools/fuzz recover: a description listing stream id 1 twice trapped in
    // Dictionary(uniqueKeysWithValues:) ("Duplicate values for key: '1'").
    @Test("a description that lists one stream id twice is named as the reason, not a trap")
    func repeatedStreamIDInTheDescription() throws {
        let folder = try scratch()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/r.camrec"
        try FileManager.default.createDirectory(atPath: path + "/chunks", withIntermediateDirectories: true)
        let record = MetadataRecord.recording(info(), streams: [try stream(id: 1, name: "a"), try stream(id: 1, name: "b")])
        try Data(try record.encodedFrame()).write(to: URL(fileURLWithPath: path + "/chunks/000001.zst"))
        let error = #expect(throws: StoreError.self) { _ = try Recovery.recover(path: path) }
        let message = error.map { "\($0)" } ?? ""
        #expect(message.contains("lists stream id 1 twice"), "\(message)")
        #expect(message.contains("000001.zst at offset 0"), "\(message)")
    }

    @Test("a description that lists one stream name twice is refused with the name")
    func repeatedStreamNameInTheDescription() throws {
        let folder = try scratch()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let frame = try MetadataRecord.recording(info(), streams: [try stream(id: 1, name: "a"), try stream(id: 2, name: "a")])
            .encodedFrame()
        let error = #expect(throws: StoreError.self) {
            _ = try frame.withUnsafeBytes { bytes in
                try MetadataRecord(payload: UnsafeRawBufferPointer(rebasing: bytes[8...]), path: "chunk", offset: 0)
            }
        }
        #expect(error.map { "\($0)" }?.contains("stream name 'a' twice") == true)
    }

    // Seen while fixing the above: a plane header whose stream id no description lists made the
    // rebuilt index fail its FOREIGN KEY constraint, so recover kept nothing at all.
    @Test("a buffer of a stream no description lists is a loss; the others are recovered")
    func planeOfAnUnknownStreamIsALoss() throws {
        let folder = try scratch()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = try recordingWithoutIndex(in: folder, buffers: 2)
        let chunk = URL(fileURLWithPath: path + "/chunks/000001.zst")
        var bytes = [UInt8](try Data(contentsOf: chunk))
        // The first plane header: its skippable frame's payload starts 8 bytes in, the stream id 32 bytes later.
        let magic: [UInt8] = [0x50, 0x2A, 0x4D, 0x18]
        let header = try #require((0..<(bytes.count - 4)).first { Array(bytes[$0..<($0 + 4)]) == magic })
        bytes[header + 8 + 32] = 7
        try Data(bytes).write(to: chunk)
        let report = try Recovery.recover(path: path)
        #expect(report.buffers == 1)
        #expect(report.losses.contains { $0.reason.contains("stream 7, which no description lists") }, "\(report.losses)")
    }
}
