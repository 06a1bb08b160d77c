import CamrecInspect
import CamrecStore
import Foundation
import Testing

/// `camrec diff` between streams of different formats: compared after converting both, and
/// saying so, or refused naming both formats; never a PSNR of bytes that mean different things.
@Suite("Diff across formats")
struct DiffTests {
    static let width = 64
    static let height = 48

    /// One picture per frame number: luma ramps that move with the frame, chroma that varies along x and y.
    static func planes(frame: Int) -> (y: [UInt8], cb: [UInt8], cr: [UInt8]) {
        var y: [UInt8] = [], cb: [UInt8] = [], cr: [UInt8] = []
        for row in 0..<height { for column in 0..<width { y.append(UInt8((row * 3 + column * 2 + frame * 5) % 256)) } }
        for row in 0..<(height / 2) {
            for column in 0..<(width / 2) {
                cb.append(UInt8(100 + (column + frame) % 40))
                cr.append(UInt8(150 + (row * 2 + frame) % 50))
            }
        }
        return (y, cb, cr)
    }

    static func nv12(frame: Int) -> [UInt8] {
        let picture = planes(frame: frame)
        return picture.y + zip(picture.cb, picture.cr).flatMap { [$0, $1] }
    }

    static func yu12(frame: Int) -> [UInt8] {
        let picture = planes(frame: frame)
        return picture.y + picture.cb + picture.cr
    }

    static func recording(in folder: String, _ fourcc: String, width: Int = width, height: Int = height,
                          bytesPerLine: Int = width, frames: [[UInt8]]) throws -> String {
        let subfolder = folder + "/\(fourcc)-\(width)x\(height)"
        try FileManager.default.createDirectory(atPath: subfolder, withIntermediateDirectories: true)
        return try Fixtures.singleStreamRecording(in: subfolder, name: "cam", fourcc: fourcc, width: UInt32(width),
                                                  height: UInt32(height), bytesPerLine: UInt32(bytesPerLine), frames: frames)
    }

    static func json(_ run: Fixtures.Run) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(run.standardOutput.utf8)) as? [String: Any])
    }

    @Test("NV12 and YU12 of one picture are identical after conversion to planar 4:2:0, and the output says so")
    func nv12AgainstYU12IsIdenticalAfterConversion() throws {
        let folder = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let frames = 0..<3
        let nv12 = try Self.recording(in: folder, "NV12", frames: frames.map(Self.nv12(frame:)))
        let yu12 = try Self.recording(in: folder, "YU12", frames: frames.map(Self.yu12(frame:)))

        let run = try Fixtures.camrec(["diff", nv12, yu12, "--json"])
        #expect(run.status == 0, "\(run.standardError)")
        let output = try Self.json(run)
        #expect(output["equal"] as? Bool == true)
        let stream = try #require((output["streams"] as? [[String: Any]])?.first)
        #expect(stream["compared_as"] as? String == "yuv420p")
        #expect(stream["first_format"] as? String == "64x48 NV12")
        #expect(stream["second_format"] as? String == "64x48 YU12")
        let conversion = try #require(stream["conversion"] as? String)
        #expect(conversion.contains("64x48 NV12") && conversion.contains("64x48 YU12") && conversion.contains("planar YUV 4:2:0"))
        #expect(stream["paired"] as? Int == 3)
        #expect(stream["identical"] as? Int == 3)
        #expect((stream["differences"] as? [Any])?.isEmpty == true)

        let text = try Fixtures.camrec(["diff", nv12, yu12])
        #expect(text.status == 0)
        #expect(text.standardOutput.contains("cam: 3 paired, 3 identical after conversion, 0 differ"), "\(text.standardOutput)")
        #expect(text.standardOutput.contains("compared after conversion: 64x48 NV12 (first) and 64x48 YU12 (second)"))
        #expect(!text.standardOutput.contains("bit-exact"), "bit-exact is claimed only for one format")
    }

    @Test("a small change across formats gets a high PSNR of the converted frames, not of the bytes")
    func changedPixelAcrossFormatsHasHighPSNR() throws {
        let folder = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var changed = Self.yu12(frame: 0)
        changed[10] &+= 4
        let nv12 = try Self.recording(in: folder, "NV12", frames: [Self.nv12(frame: 0)])
        let yu12 = try Self.recording(in: folder, "YU12", frames: [changed])
        let run = try Fixtures.camrec(["diff", nv12, yu12, "--json"])
        #expect(run.status == 1)
        let stream = try #require((try Self.json(run)["streams"] as? [[String: Any]])?.first)
        let difference = try #require((stream["differences"] as? [[String: Any]])?.first)
        // One sample of 64x48x1.5 off by 4: 10 log10(255^2 * 4608 / 16) = 72.8 dB.
        let psnr = try #require(difference["psnr"] as? Double)
        #expect(abs(psnr - 72.8) < 0.1)
        #expect(try Fixtures.camrec(["diff", nv12, yu12, "--min-psnr", "60"]).status == 0)
    }

    @Test("two formats libv4lconvert reads are compared in RGB24")
    func yuyvAgainstNV12IsComparedInRGB() throws {
        let folder = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        // YUYV of the same picture, chroma repeated on both rows of each 4:2:0 pair.
        let picture = Self.planes(frame: 0)
        var yuyv: [UInt8] = []
        for row in 0..<Self.height {
            for pair in 0..<(Self.width / 2) {
                let chroma = (row / 2) * (Self.width / 2) + pair
                yuyv += [picture.y[row * Self.width + pair * 2], picture.cb[chroma],
                         picture.y[row * Self.width + pair * 2 + 1], picture.cr[chroma]]
            }
        }
        let nv12 = try Self.recording(in: folder, "NV12", frames: [Self.nv12(frame: 0)])
        let packed = try Self.recording(in: folder, "YUYV", bytesPerLine: Self.width * 2, frames: [yuyv])
        let run = try Fixtures.camrec(["diff", nv12, packed, "--json"])
        let stream = try #require((try Self.json(run)["streams"] as? [[String: Any]])?.first)
        #expect(stream["compared_as"] as? String == "rgb24")
        #expect((stream["conversion"] as? String)?.contains("RGB24") == true)
        // libv4lconvert's NV12 and YUYV paths round differently (up to 7 levels apart on this
        // picture, red 3 higher from YUYV), so one picture is close, not identical, in RGB24.
        let psnr = try #require((stream["differences"] as? [[String: Any]])?.first?["psnr"] as? Double)
        #expect(psnr > 35 && psnr < 45, "one picture in two chroma layouts, converted by libv4lconvert")
    }

    @Test("one format is still compared byte for byte, and called bit-exact")
    func sameFormatIsBitExact() throws {
        let folder = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let first = try Self.recording(in: folder, "NV12", frames: [Self.nv12(frame: 0), Self.nv12(frame: 1)])
        let run = try Fixtures.camrec(["diff", first, first, "--json"])
        #expect(run.status == 0)
        let stream = try #require((try Self.json(run)["streams"] as? [[String: Any]])?.first)
        #expect(stream["compared_as"] as? String == "bytes")
        #expect(stream["conversion"] == nil || stream["conversion"] is NSNull)
        #expect(try Fixtures.camrec(["diff", first, first]).standardOutput.contains("2 bit-exact"))
    }

    struct Refusal: Sendable, CustomTestStringConvertible {
        var first: (fourcc: String, width: Int, height: Int)
        var second: (fourcc: String, width: Int, height: Int)
        var reason: String
        var testDescription: String { "\(first.fourcc) \(first.width)x\(first.height) vs \(second.fourcc) \(second.width)x\(second.height)" }
    }

    @Test("pairs no conversion can compare are refused, naming both formats, with a non-zero exit and no PSNR", arguments: [
        Refusal(first: ("NV12", 64, 48), second: ("YU12", 32, 16), reason: "frames of different sizes cannot be compared"),
        Refusal(first: ("NV12", 64, 48), second: ("NV12", 32, 16), reason: "frames of different sizes cannot be compared"),
        Refusal(first: ("MJPG", 64, 48), second: ("YUYV", 64, 48), reason: "MJPG is compressed"),
    ])
    func incomparablePairsAreRefused(_ refusal: Refusal) throws {
        let folder = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        func make(_ side: (fourcc: String, width: Int, height: Int)) throws -> String {
            let bytes = [UInt8](repeating: 0x80, count: side.width * side.height * 2)
            return try Self.recording(in: folder, side.fourcc, width: side.width, height: side.height,
                                      bytesPerLine: side.width, frames: [bytes])
        }
        let first = try make(refusal.first)
        let second = try make(refusal.second)
        for options in [[], ["--json"]] {
            let run = try Fixtures.camrec(["diff", first, second] + options)
            #expect(run.status == 1, "\(options)")
            #expect(run.standardError.contains("stream 'cam' is \(refusal.first.width)x\(refusal.first.height) \(refusal.first.fourcc) in \(first)"),
                    "\(run.standardError)")
            #expect(run.standardError.contains("and \(refusal.second.width)x\(refusal.second.height) \(refusal.second.fourcc) in \(second)"),
                    "\(run.standardError)")
            #expect(run.standardError.contains(refusal.reason), "\(run.standardError)")
            #expect(!run.standardOutput.contains("PSNR") && !run.standardOutput.contains("psnr"), "\(run.standardOutput)")
        }
        // The library refuses before reading a frame, too.
        #expect(throws: IncomparableStreams.self) {
            let left = try RecordingReader(path: first)
            let right = try RecordingReader(path: second)
            _ = try RecordingDiff(first: left, second: right,
                                  pairs: [RecordingDiff.StreamPair(left: left.streams[0], right: right.streams[0])], pairing: .sequence)
        }
    }
}
