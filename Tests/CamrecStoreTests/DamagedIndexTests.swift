import CamrecStore
import Foundation
import Testing
import V4L2Vocabulary

/// Readers over an index.sqlite that the fuzzer (tools/fuzz index-loader) damaged: each must end
/// in a `StoreError` that says what is wrong, never a trap.
@Suite("damaged index")
struct DamagedIndexTests {
    private func scratch() throws -> String {
        var bytes = Array((NSTemporaryDirectory() + "/camrec-index-XXXXXX").utf8CString)
        guard let made = mkdtemp(&bytes) else { throw CocoaError(.fileWriteUnknown) }
        return String(cString: made)
    }

    // Found by tools/fuzz index-loader: a mutated page of the streams table ("Rowid 11 out of
    // order", "database disk image is malformed") returned stream id 0 twice, and `verify` trapped
    // in Dictionary(uniqueKeysWithValues:) ("Duplicate values for key: '0'"). Here the table is
    // rebuilt without its keys to return an id twice the same way.
    @Test("an index whose streams table returns one stream id twice is refused as damaged")
    func repeatedStreamIDIsRefused() throws {
        let folder = try scratch()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/r.camrec"
        let info = RecordingInfo(camrecVersion: "test", host: "host", commandLine: "test", startWallNanoseconds: 1,
                                 startMonotonicNanoseconds: 2, source: "test", requestToleranceNanoseconds: 0)
        let grey = StreamDescription(id: 1, name: "grey", kind: .video,
                                     format: VideoFormat(bufferType: .videoCapture, pixelFormat: try #require(PixelFormat("GREY")), width: 16,
                                                          height: 16, planes: [PlaneLayout(bytesPerLine: 16, sizeImage: 256)]))
        try RecordingWriter(path: path, info: info, streams: [grey]).close(stopReason: "test")
        do {
            let database = try SQLiteDatabase(path: path + "/index.sqlite", mode: .readWrite)
            try database.execute("""
                PRAGMA legacy_alter_table = ON;
                CREATE TABLE damaged AS SELECT * FROM streams;
                INSERT INTO damaged SELECT * FROM streams;
                UPDATE damaged SET name = 'other' WHERE rowid = (SELECT MAX(rowid) FROM damaged);
                DROP TABLE streams;
                ALTER TABLE damaged RENAME TO streams;
                """)
        }
        let error = #expect(throws: StoreError.self) { _ = try RecordingReader(path: path) }
        let message = error.map { "\($0)" } ?? ""
        #expect(message.contains("lists stream 1 'other' twice"), "\(message)")
        #expect(message.contains("camrec recover"), "\(message)")
    }
}
