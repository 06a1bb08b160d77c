import Foundation
import Testing

/// `--force` replaces only on success: the real binary, checked the way a user would (the files
/// on disk, byte for byte, and what the folder holds afterwards).
@Suite("--force replaces only on success")
struct ForceReplacementTests {
    private let small = ["--synthetic", "--synthetic-size", "64x48", "--synthetic-unpaced"]

    @Test func recordForceReplacesAnExistingRecordingAndLeavesNothingBeside() throws {
        let folder = try CamrecBinary.scratch()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/take.camrec"
        #expect(try CamrecBinary.run(["record", "-o", path, "--frames", "3"] + small).status == 0)
        let replaced = try CamrecBinary.run(["record", "-o", path, "--frames", "5", "--force"] + small)
        #expect(replaced.status == 0, "\(replaced.standardError)")
        let info = try CamrecBinary.run(["sql", path, "SELECT COUNT(*) FROM buffers", "--csv"])
        #expect(info.standardOutput.contains("15"), "5 frames of 3 streams: \(info.standardOutput)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["take.camrec"])
    }

    /// A damaged last frame makes the export fail after it has written most of the file.
    @Test(arguments: ["main.y4m", "main.mcap"])
    func exportForceThatFailsHalfWayLeavesThePreviousFileByteIdentical(_ name: String) throws {
        let folder = try CamrecBinary.scratch()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let recording = folder + "/take.camrec"
        #expect(try CamrecBinary.run(["record", "-o", recording, "--frames", "10"] + small).status == 0)
        let output = folder + "/" + name
        let previous = Data("the previous export, to be kept".utf8)
        try previous.write(to: URL(fileURLWithPath: output))

        // The middle of the main stream's last zstd frame.
        let query = try CamrecBinary.run(["sql", recording, """
            SELECT c.name, p."offset" + p.stored_size / 2 FROM planes p JOIN buffers b ON b.id = p.buffer_id
            JOIN chunks c ON c.id = p.chunk_id WHERE b.stream_id = 1 ORDER BY b.sequence DESC LIMIT 1
            """, "--csv"])
        let row = try #require(query.standardOutput.split(separator: "\n").last?.split(separator: ","),
                               "\(query.standardError)")
        let chunk = recording + "/chunks/" + String(row[0])
        let position = try #require(Int(String(row[1]).trimmingCharacters(in: .whitespacesAndNewlines)))
        var bytes = try Data(contentsOf: URL(fileURLWithPath: chunk))
        bytes[position] ^= 0xFF
        bytes[position + 1] ^= 0xFF
        try bytes.write(to: URL(fileURLWithPath: chunk))

        let result = try CamrecBinary.run(["export", recording, "--stream", "main", "-o", output, "--force"])
        #expect(result.status != 0, "the export of a damaged frame must fail: \(result.standardError)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: output)) == previous)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).sorted() == [name, "take.camrec"].sorted(),
                "no partial file left beside it")
    }

    @Test func exportForceReplacesThePreviousFileWhenItSucceeds() throws {
        let folder = try CamrecBinary.scratch()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let recording = folder + "/take.camrec"
        #expect(try CamrecBinary.run(["record", "-o", recording, "--frames", "2"] + small).status == 0)
        let output = folder + "/frame.raw"
        try Data("old".utf8).write(to: URL(fileURLWithPath: output))
        let result = try CamrecBinary.run(["export", recording, "--stream", "main", "--sequence", "1", "-o", output, "--force"])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: output)).count == 64 * 48 * 3 / 2)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).sorted() == ["frame.raw", "take.camrec"])
    }
}
