import CamrecStore
import Foundation
import Testing

/// Bad input gets one clear line, a non-zero exit, and nothing existing is touched.
@Suite("Bad input")
struct BadInputTests {
    private func errorLines(_ result: CamrecBinary.Result) -> [Substring] {
        result.standardError.split(separator: "\n").filter { !$0.hasPrefix("Usage:") && !$0.contains("--help") && !$0.isEmpty }
    }

    @Test("info on a missing path says it does not exist")
    func missingPath() throws {
        let result = try CamrecBinary.run(["info", "/nonexistent/nothing.camrec"])
        #expect(result.status != 0)
        #expect(result.standardError.contains("/nonexistent/nothing.camrec does not exist"))
        #expect(errorLines(result).count == 1)
    }

    @Test("a folder that is not a recording is named as such")
    func folderThatIsNotARecording() throws {
        let folder = try CamrecBinary.scratch()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        for command in [["info", folder], ["frames", folder], ["export", folder, "--stream", "main", "--sequence", "0", "-o", folder + "/x.raw"]] {
            let result = try CamrecBinary.run(command)
            #expect(result.status != 0, "\(command)")
            #expect(result.standardError.contains("is not a camrec recording"), "\(command): \(result.standardError)")
            #expect(errorLines(result).count == 1, "\(command): \(result.standardError)")
        }
    }

    @Test("an output in a folder that cannot be written fails with the path and errno")
    func nonWritableOutput() throws {
        let folder = try CamrecBinary.scratch()
        defer {
            chmod(folder, 0o755)
            try? FileManager.default.removeItem(atPath: folder)
        }
        chmod(folder, 0o555)
        let target = folder + "/out.camrec"
        let result = try CamrecBinary.run(["record", "-o", target, "--frames", "2", "--synthetic-unpaced",
                                           "--synthetic-size", "32x32"])
        if getuid() == 0 {
            // root ignores permission bits; a path under a file is unwritable for everyone.
            let file = folder + "/file"
            chmod(folder, 0o755)
            #expect(FileManager.default.createFile(atPath: file, contents: Data("x".utf8)))
            let again = try CamrecBinary.run(["record", "-o", file + "/out.camrec", "--frames", "2"])
            #expect(again.status != 0)
            #expect(again.standardError.contains(file + "/out.camrec"), "\(again.standardError)")
            #expect(errorLines(again).count == 1, "\(again.standardError)")
        } else {
            #expect(result.status != 0)
            #expect(errorLines(result).count == 1, "\(result.standardError)")
            #expect(result.standardError.contains(target))
            #expect(result.standardError.contains("errno"))
        }
    }

    @Test("an existing output is refused unless --force, and --force replaces only a recording")
    func existingOutput() throws {
        let folder = try CamrecBinary.scratch()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let target = folder + "/exists.camrec"
        let options = ["--frames", "3", "--synthetic-unpaced", "--synthetic-size", "32x32"]
        #expect(try CamrecBinary.run(["record", "-o", target] + options).status == 0)
        let before = try FileManager.default.contentsOfDirectory(atPath: target + "/chunks")
        let refused = try CamrecBinary.run(["record", "-o", target] + options)
        #expect(refused.status != 0)
        #expect(refused.standardError.contains("already exists"))
        #expect(refused.standardError.contains("--force"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: target + "/chunks") == before)
        #expect(try CamrecBinary.run(["record", "-o", target, "--force"] + options).status == 0)

        let plain = folder + "/plain"
        try FileManager.default.createDirectory(atPath: plain, withIntermediateDirectories: false)
        let notRecording = try CamrecBinary.run(["record", "-o", plain, "--force"] + options)
        #expect(notRecording.status != 0)
        #expect(FileManager.default.fileExists(atPath: plain))

        let exported = folder + "/frame.raw"
        #expect(FileManager.default.createFile(atPath: exported, contents: Data("keep".utf8)))
        let export = try CamrecBinary.run(["export", target, "--stream", "main", "--sequence", "0", "-o", exported])
        #expect(export.status != 0)
        #expect(export.standardError.contains("already exists"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: exported)) == Data("keep".utf8))
    }

    @Test("invalid numbers are refused with what was wrong", arguments: [
        (["--frames", "0"], "--frames"),
        (["--frames", "abc"], "frames"),
        (["--frames", "-5"], "frames"),
        (["--duration", "-1"], "--duration"),
        (["--level", "40"], "--level"),
        (["--synthetic-size", "12xfoo"], "--synthetic-size"),
    ])
    func invalidNumbers(arguments: [String], mentions: String) throws {
        let folder = try CamrecBinary.scratch()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let target = folder + "/never.camrec"
        let result = try CamrecBinary.run(["record", "-o", target] + arguments)
        #expect(result.status != 0)
        #expect(result.standardError.contains(mentions), "\(result.standardError)")
        #expect(!FileManager.default.fileExists(atPath: target))
    }

    @Test("export of a sequence that is not there says how to list them")
    func missingSequence() throws {
        let folder = try CamrecBinary.scratch()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let target = folder + "/r.camrec"
        #expect(try CamrecBinary.run(["record", "-o", target, "--frames", "2", "--synthetic-unpaced", "--synthetic-size", "32x32"]).status == 0)
        let result = try CamrecBinary.run(["export", target, "--stream", "main", "--sequence", "999", "-o", folder + "/f.raw"])
        #expect(result.status != 0)
        #expect(result.standardError.contains("no buffer with sequence 999"))
        let stream = try CamrecBinary.run(["export", target, "--stream", "nope", "--sequence", "0", "-o", folder + "/f.raw"])
        #expect(stream.standardError.contains("has no stream 'nope'"))
        #expect(stream.standardError.contains("main, preview, meta"))
    }

    @Test("record then export gives the exact recorded bytes")
    func exportRawRoundTrip() throws {
        let folder = try CamrecBinary.scratch()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let target = folder + "/r.camrec"
        #expect(try CamrecBinary.run(["record", "-o", target, "--frames", "3", "--synthetic-unpaced", "--synthetic-size", "64x48"]).status == 0)
        let out = folder + "/f.raw"
        let result = try CamrecBinary.run(["export", target, "--stream", "main", "--sequence", "1", "-o", out])
        #expect(result.status == 0, "\(result.standardError)")
        let data = try Data(contentsOf: URL(fileURLWithPath: out))
        #expect(data.count == 64 * 48 * 3 / 2)
        let reader = try RecordingReader(path: target)
        let buffer = try #require(try reader.buffers(streamID: 1, where: .sequence(1)).first)
        #expect(Array(data) == (try reader.readBuffer(buffer)))
    }

    @Test("info --json keeps the documented contract")
    func infoJSONContract() throws {
        let folder = try CamrecBinary.scratch()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let target = folder + "/r.camrec"
        #expect(try CamrecBinary.run(["record", "-o", target, "--frames", "4", "--synthetic-unpaced", "--synthetic-size", "64x48",
                                      "--synthetic-drop-every", "3", "--synthetic-error-every", "2"]).status == 0)
        let result = try CamrecBinary.run(["info", target, "--json"])
        #expect(result.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any])
        #expect(object["requests"] as? Int == 4)
        #expect((object["chunks"] as? Int ?? 0) >= 1)
        let streams = try #require(object["streams"] as? [[String: Any]])
        #expect(streams.map { $0["name"] as? String } == ["main", "preview", "meta"])
        for key in ["name", "kind", "format", "buffers", "errors", "driver_drops", "recorder_drops", "first_timestamp_ns",
                    "last_timestamp_ns", "raw_bytes", "stored_bytes"] {
            #expect(streams[0][key] != nil, "missing \(key)")
        }
        let format = try #require(streams[0]["format"] as? [String: Any])
        #expect(format["fourcc"] as? String == "NV12")
        #expect(format["width"] as? Int == 64)
        #expect(format["height"] as? Int == 48)
        let planes = try #require(format["planes"] as? [[String: Any]])
        #expect(planes.first?["bytesperline"] as? Int == 64)
        #expect(planes.first?["sizeimage"] as? Int == 64 * 48 * 3 / 2)
        #expect(streams[0]["buffers"] as? Int == 4)
        #expect(streams[0]["errors"] as? Int == 2)  // sequences 2 and 4 (3 is dropped)
        #expect(streams[0]["driver_drops"] as? Int == 1)
    }
}
