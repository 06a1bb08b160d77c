import Foundation
import Testing
import V4L2

/// What `v4l2-ctl --stream-to` captured from vivid imports into a recording whose buffers are the
/// captured bytes, plane for plane.
extension Lab {
    @Suite("camrec imports v4l2-ctl captures")
    struct ImportLabTests {
        /// The frames of a `--stream-to-hdr` file: per frame 'Vhdr', then per plane a big-endian length and the bytes.
        static func framesWithHeaders(_ data: [UInt8], planes: Int) -> [[UInt8]]? {
            var frames: [[UInt8]] = []
            var offset = 0
            while offset < data.count {
                guard offset + 4 <= data.count, Array(data[offset..<(offset + 4)]) == Array("rdhV".utf8) else { return nil }
                offset += 4
                var frame: [UInt8] = []
                for _ in 0..<planes {
                    guard offset + 4 <= data.count else { return nil }
                    let length = data[offset..<(offset + 4)].reduce(0) { $0 << 8 | Int($1) }
                    offset += 4
                    guard offset + length <= data.count else { return nil }
                    frame += data[offset..<(offset + length)]
                    offset += length
                }
                frames.append(frame)
            }
            return frames
        }

        /// The buffers of the recording's only stream, each one's planes concatenated (`export .raw`).
        static func exportedFrames(_ recording: String, count: Int) throws -> [[UInt8]] {
            let folder = NSTemporaryDirectory() + "camrec-import-\(UUID().uuidString)"
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: folder) }
            _ = try camrecSucceeding(["export", recording, "--stream", "main", "--all", "-o", folder + "/f-{sequence}.raw"])
            // export writes {sequence} with six digits: f-000000.raw.
            return try (0..<count).map { try Array(Data(contentsOf: URL(fileURLWithPath: folder + "/" + String(format: "f-%06d.raw", $0)))) }
        }

        @Test func rawAndHeadedCapturesOfVividImportBitExact() throws {
            let node = try LabNodes.vividCapture()
            let folder = NSTemporaryDirectory() + "camrec-import-\(UUID().uuidString)"
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: folder) }

            // Raw frames back to back: every frame is the format's size.
            let raw = folder + "/cap.raw"
            let capture = try runProgram(["v4l2-ctl", "-d", node, "--set-fmt-video", "width=320,height=180,pixelformat=YUYV",
                                          "--stream-mmap", "--stream-count", "6", "--stream-to", raw])
            try #require(capture.status == 0, "\(capture.output)")
            let rawBytes = try Array(Data(contentsOf: URL(fileURLWithPath: raw)))
            #expect(rawBytes.count == 6 * 320 * 180 * 2)
            let imported = folder + "/raw.camrec"
            let result = try camrecSucceeding(["import", raw, "--format", "320x180:YUYV", "--fps", "30", "-o", imported])
            #expect(result.standardError.contains("imported 6 frames of YUYV 320x180"), "\(result.standardError)")
            #expect(try Self.exportedFrames(imported, count: 6).flatMap { $0 } == rawBytes)

            // Multi-planar NM12 with --stream-to-hdr: two planes per frame, each with its length.
            let mplane = try LabNodes.vividMultiplanarCapture()
            let headed = folder + "/cap.hdr"
            let headedCapture = try runProgram(["v4l2-ctl", "-d", mplane, "--set-fmt-video", "width=320,height=180,pixelformat=NM12",
                                                "--stream-mmap", "--stream-count", "4", "--stream-to-hdr", headed])
            try #require(headedCapture.status == 0, "\(headedCapture.output)")
            let expected = try #require(Self.framesWithHeaders(try Array(Data(contentsOf: URL(fileURLWithPath: headed))), planes: 2))
            #expect(expected.count == 4)
            let importedHeaded = folder + "/hdr.camrec"
            _ = try camrecSucceeding(["import", headed, "--type", "v4l2-ctl-hdr", "--format", "320x180:NM12", "-o", importedHeaded])
            #expect(try Self.exportedFrames(importedHeaded, count: 4) == expected)
            _ = try camrecSucceeding(["verify", importedHeaded])
        }
    }
}
