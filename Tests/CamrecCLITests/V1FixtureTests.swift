import Foundation
import Testing

/// The v1 recording made by camrec 0.1.0 (Tests/Fixtures/v1-synthetic.camrec), through every
/// command a user would run on an old recording, on a copy of it.
@Suite("A v1 recording")
struct V1FixtureTests {
    private func fixtureCopy() throws -> (folder: String, recording: String) {
        let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/v1-synthetic.camrec").path
        let folder = try CamrecBinary.scratch()
        let recording = folder + "/v1.camrec"
        try FileManager.default.copyItem(atPath: fixture, toPath: recording)
        return (folder, recording)
    }

    @Test("info names the format as v4l2-ctl does, in text and JSON (keeping the numeric keys)")
    func infoNamesTheFormat() throws {
        let (folder, recording) = try fixtureCopy()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let text = try CamrecBinary.run(["info", recording])
        #expect(text.status == 0, "\(text.standardError)")
        #expect(text.standardOutput.contains(
            "NV12 64x48, field none, colorspace srgb, ycbcr-enc default, quantization default, xfer-func default"),
            "\(text.standardOutput)")
        let json = try CamrecBinary.run(["info", recording, "--json"])
        #expect(json.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.standardOutput.utf8)) as? [String: Any])
        let streams = try #require(object["streams"] as? [[String: Any]])
        let format = try #require(streams.first?["format"] as? [String: Any])
        #expect(format["fourcc"] as? String == "NV12")
        #expect(format["fourcc_code"] as? Int == 0x3231_564E)
        #expect(format["field"] as? Int == 1 && format["colorspace"] as? Int == 8)
        #expect(format["field_name"] as? String == "none" && format["colorspace_name"] as? String == "srgb")
        #expect(format["ycbcr_enc"] as? Int == 0 && format["quantization_name"] as? String == "default")
    }

    @Test("frames, verify and replay to null read it as it is; recover rebuilds it as v2")
    func readsVerifiesReplaysAndRecovers() throws {
        let (folder, recording) = try fixtureCopy()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let frames = try CamrecBinary.run(["frames", recording, "--stream", "main", "--csv"])
        #expect(frames.status == 0, "\(frames.standardError)")
        #expect(frames.standardOutput.split(separator: "\n").count == 4, "a header and 3 frames: \(frames.standardOutput)")
        let verify = try CamrecBinary.run(["verify", recording])
        #expect(verify.status == 0, "\(verify.standardOutput)\(verify.standardError)")
        let replay = try CamrecBinary.run(["replay", recording, "--stream", "main", "--to", "null", "--as-fast-as-possible"])
        #expect(replay.status == 0, "\(replay.standardError)")
        // Readers leave the v1 index as it is: it has no v2 column yet.
        #expect(try CamrecBinary.run(["sql", recording, "SELECT fourcc_code FROM streams"]).status != 0)
        let recover = try CamrecBinary.run(["recover", recording])
        #expect(recover.status == 0, "\(recover.standardOutput)\(recover.standardError)")
        let code = try CamrecBinary.run(["sql", recording, "SELECT fourcc_code FROM streams WHERE name = 'main'", "--csv"])
        #expect(code.status == 0, "\(code.standardError)")
        #expect(code.standardOutput.contains(String(0x3231_564E)), "\(code.standardOutput)")
        #expect(try CamrecBinary.run(["verify", recording]).status == 0)
        let replayAfter = try CamrecBinary.run(["replay", recording, "--stream", "main", "--to", "null", "--as-fast-as-possible"])
        #expect(replayAfter.status == 0, "\(replayAfter.standardError)")
    }
}
