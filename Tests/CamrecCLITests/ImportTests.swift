import Foundation
import Testing

/// `camrec import` turns what other tools wrote into a recording whose export gives the same bytes back.
@Suite("Import")
struct ImportTests {
    private func frames(of path: String, stream: String, in folder: String) throws -> [Data] {
        let export = try CamrecBinary.run(["export", path, "--stream", stream, "--all", "-o", folder + "/\(stream)-{sequence}.raw", "--force"])
        try #require(export.status == 0, "\(export.standardError)")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasPrefix(stream + "-") && $0.hasSuffix(".raw") }
        let ordered = names.sorted { Int($0.dropFirst(stream.count + 1).dropLast(4)) ?? 0 < Int($1.dropFirst(stream.count + 1).dropLast(4)) ?? 0 }
        return try ordered.map { try Data(contentsOf: URL(fileURLWithPath: folder + "/" + $0)) }
    }

    @Test("a y4m file imports with its size and rate, and exports back frame for frame")
    func y4mRoundTrip() throws {
        let folder = try CamrecBinary.scratch()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let source = folder + "/source.camrec"
        #expect(try CamrecBinary.run(["record", "--synthetic", "--synthetic-size", "64x48", "--frames", "12", "-o", source]).status == 0)
        let y4m = folder + "/source.y4m"
        #expect(try CamrecBinary.run(["export", source, "--stream", "main", "-o", y4m]).status == 0)
        let imported = folder + "/imported.camrec"
        let result = try CamrecBinary.run(["import", y4m, "-o", imported])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardError.contains("imported 12 frames of YU12 64x48 at 30.0 fps"), "\(result.standardError)")
        #expect(result.standardError.contains("verified"))
        let info = try CamrecBinary.run(["info", imported, "--json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(info.standardOutput.utf8)) as? [String: Any])
        let streams = try #require(object["streams"] as? [[String: Any]])
        #expect(streams.first?["buffers"] as? Int == 12)
        // The planes come back byte for byte (the header names 4:2:0 siting as YU12 exports it).
        let again = folder + "/again.y4m"
        #expect(try CamrecBinary.run(["export", imported, "--stream", "main", "-o", again]).status == 0)
        let original = try Data(contentsOf: URL(fileURLWithPath: y4m))
        let exported = try Data(contentsOf: URL(fileURLWithPath: again))
        let body = { (data: Data) in Data(data.drop { $0 != 0x0A }.dropFirst()) }
        let header = { (data: Data) in String(decoding: data.prefix { $0 != 0x0A }, as: UTF8.self) }
        #expect(!body(original).isEmpty && body(original) == body(exported))
        #expect(header(original).replacingOccurrences(of: "C420mpeg2", with: "C420jpeg") == header(exported))
    }

    @Test("a v4l2-ctl --stream-to file imports with --format, with or without --stream-to-hdr headers, bit-exact")
    func v4l2CtlFilesRoundTrip() throws {
        let folder = try CamrecBinary.scratch()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let source = folder + "/source.camrec"
        #expect(try CamrecBinary.run(["record", "--synthetic", "--synthetic-size", "64x48", "--frames", "8", "-o", source]).status == 0)
        let recorded = try frames(of: source, stream: "preview", in: folder)
        try #require(recorded.count == 8)
        // Back to back, as `v4l2-ctl --stream-to` writes them; and with its 'Vhdr' id and plane lengths.
        let raw = folder + "/cap.raw"
        try recorded.reduce(Data(), +).write(to: URL(fileURLWithPath: raw))
        var withHeaders = Data()
        for frame in recorded {
            withHeaders += Data("rdhV".utf8)
            withHeaders += withUnsafeBytes(of: UInt32(frame.count).bigEndian) { Data($0) }
            withHeaders += frame
        }
        let hdr = folder + "/cap.hdr"
        try withHeaders.write(to: URL(fileURLWithPath: hdr))
        // The synthetic preview is YUYV; its size comes from the recording.
        let info = try CamrecBinary.run(["info", source, "--json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(info.standardOutput.utf8)) as? [String: Any])
        let preview = try #require((object["streams"] as? [[String: Any]])?.first { $0["name"] as? String == "preview" })
        let format = try #require(preview["format"] as? [String: Any])
        let size = "\(format["width"] as? Int ?? 0)x\(format["height"] as? Int ?? 0):YUYV"

        for (input, type) in [(raw, "v4l2-ctl"), (hdr, "v4l2-ctl-hdr")] {
            let imported = folder + "/\(type).camrec"
            let result = try CamrecBinary.run(["import", input, "--type", type, "--format", size, "--fps", "25", "-o", imported])
            #expect(result.status == 0, "\(result.standardError)")
            let out = folder + "/\(type)"
            try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
            #expect(try frames(of: imported, stream: "main", in: out) == recorded, "\(type)")
            let listing = try CamrecBinary.run(["frames", imported, "--json"])
            #expect(listing.standardOutput.contains("\"timestamp_ns\" : 40000000") || listing.standardOutput.contains("\"timestamp_ns\":40000000"),
                    "25 fps: the second frame at 40 ms\n\(listing.standardOutput.prefix(600))")
        }
    }

    @Test("a wrong format, a y4m that is not one, or a headerless file read as headed, is refused and leaves no recording")
    func badInputIsRefused() throws {
        let folder = try CamrecBinary.scratch()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let raw = folder + "/cap.raw"
        try Data(repeating: 7, count: 5000).write(to: URL(fileURLWithPath: raw))
        let out = folder + "/out.camrec"
        let cases: [([String], String)] = [
            (["import", raw, "-o", out], "give --format WxH:FOURCC"),
            (["import", raw, "--format", "16x16:YUYV", "-o", out], "the file ends 392 bytes into plane 0 of frame 9"),
            (["import", raw, "--format", "15x16:YUYV", "-o", out], "the width must be even"),
            (["import", raw, "--format", "16x16:ABCD", "-o", out], "cannot import ABCD"),
            (["import", raw, "--type", "v4l2-ctl-hdr", "--format", "16x16:YUYV", "-o", out], "'Vhdr'"),
            (["import", raw, "--type", "y4m", "-o", out], "does not start with 'YUV4MPEG2 '"),
            (["import", folder + "/missing.raw", "--format", "16x16:YUYV", "-o", out], "No such file"),
            (["import", raw, "--format", "16x16:YUYV", "--fps", "0", "-o", out], "--fps"),
        ]
        for (arguments, message) in cases {
            let result = try CamrecBinary.run(arguments)
            #expect(result.status != 0 && !result.killedBySignal, "\(arguments)")
            #expect(result.standardError.contains(message), "\(arguments): \(result.standardError)")
            #expect(!FileManager.default.fileExists(atPath: out), "\(arguments) left \(out)")
        }
    }
}
