import CamrecEngine
import CamrecStore
import Foundation
import Testing
import V4L2
import V4L2Vocabulary

extension Lab {
    /// Format v2 against vivid: what the capture node's G_FMT/S_FMT returned is recorded whole
    /// (colorimetry and a big-endian code), and a replay sets it on vivid's output node with S_FMT,
    /// which G_FMT there then reads back.
    ///
    /// vivid's output (vivid_try_fmt_vid_out in drivers/media/test-drivers/vivid/vivid-vid-out.c)
    /// keeps the colorspace on its HDMI output but always resets ycbcr_enc, quantization and
    /// xfer_func to DEFAULT: a recording with those set is a device adjusting the format, which
    /// replay refuses, or with --accept-adjusted-format plays and names.
    @Suite("Colorimetry and big-endian codes through record and replay (vivid)")
    struct ColorimetryReplayTests {
        /// vivid's capture `colorspace` control: menu index 1 is "Rec. 709" (vivid-ctrls.c).
        static let rec709MenuIndex = "1"
        /// vivid's capture `quantization` control: menu index 1 is "Full Range".
        static let fullRangeMenuIndex = "1"

        /// Sets vivid's capture colorimetry controls and its output to HDMI 0 (field none, colorspace
        /// kept; S-Video forces 720 wide, interlaced, SMPTE 170M); `body` runs, then both go back to
        /// the defaults the other lab tests expect.
        private func withVivid(controls: String, _ body: (_ capture: String, _ output: String) throws -> Void) throws {
            let capture = try LabNodes.vividCapture()
            let output = try LabNodes.vividOutput()
            try v4l2ctl(["-d", capture, "-c", controls])
            try v4l2ctl(["-d", output, "-o", "1"])
            defer {
                _ = try? runProgram(["v4l2-ctl", "-d", capture, "-c", "colorspace=2,quantization=0"])
                _ = try? runProgram(["v4l2-ctl", "-d", output, "-o", "0"])
            }
            try body(capture, output)
        }

        /// What the output queue holds now (VIDIOC_G_FMT): vivid keeps an output's format after close.
        private func outputFormat(_ path: String) throws -> VideoFormat {
            try VideoDevice(path: path).requireOutputQueue(purpose: "read back").currentFormat()
        }

        private func expectSameLayout(_ got: VideoFormat, _ recorded: VideoFormat, sourceLocation: SourceLocation = #_sourceLocation) {
            #expect(got.pixelFormat.rawValue == recorded.pixelFormat.rawValue, "code", sourceLocation: sourceLocation)
            #expect(got.width == recorded.width && got.height == recorded.height, "size", sourceLocation: sourceLocation)
            #expect(got.field == recorded.field, "field", sourceLocation: sourceLocation)
            #expect(got.colorspace == recorded.colorspace, "colorspace", sourceLocation: sourceLocation)
            #expect(got.planes.map(\.bytesPerLine) == recorded.planes.map(\.bytesPerLine), "bytesperline", sourceLocation: sourceLocation)
            #expect(got.planes.map(\.sizeImage) == recorded.planes.map(\.sizeImage), "sizeimage", sourceLocation: sourceLocation)
        }

        @Test("a big-endian Y16-BE recording with colorspace rec709 replays into vivid's output and G_FMT reads back its format field for field")
        func bigEndianRec709ReadsBackFieldForField() throws {
            try withVivid(controls: "colorspace=\(Self.rec709MenuIndex)") { capture, output in
                let scratch = try ScratchFolder()
                let recording = scratch.file("y16be.camrec")
                try camrecSucceeding(["record", "-d", "\(capture):320x180:Y16-BE", "-o", recording, "--frames", "3"])
                let recorded = try #require(try RecordingReader(path: recording).streams.first).format
                // V4L2_PIX_FMT_Y16_BE = v4l2_fourcc_be('Y', '1', '6', ' '): bit 31 kept through the index.
                #expect(recorded.pixelFormat.rawValue == 0xA036_3159, "recorded \(recorded.pixelFormat)")
                #expect(recorded.colorspace == 3, "rec709 from the capture node's G_FMT")
                let info = try camrecSucceeding(["info", recording])
                #expect(info.standardOutput.contains("Y16-BE 320x180, field none, colorspace rec709"), "\(info.standardOutput)")
                try camrecSucceeding(["replay", recording, "--to", output, "--as-fast-as-possible"])
                let got = try outputFormat(output)
                expectSameLayout(got, recorded)
                #expect(got.ycbcrEncoding == recorded.ycbcrEncoding && got.quantization == recorded.quantization
                        && got.transferFunction == recorded.transferFunction, "got \(got), recorded \(recorded)")
            }
        }

        @Test("full-range rec709 YUYV: vivid's output resets quantization, so replay refuses naming it, or with --accept-adjusted-format plays and says so")
        func adjustedColorimetryIsRefusedOrNamed() throws {
            try withVivid(controls: "colorspace=\(Self.rec709MenuIndex),quantization=\(Self.fullRangeMenuIndex)") { capture, output in
                let scratch = try ScratchFolder()
                let recording = scratch.file("full.camrec")
                try camrecSucceeding(["record", "-d", "\(capture):320x180:YUYV", "-o", recording, "--frames", "3"])
                let recorded = try #require(try RecordingReader(path: recording).streams.first).format
                #expect(recorded.colorspace == 3 && recorded.quantization == 1, "recorded \(recorded)")
                let info = try camrecSucceeding(["info", recording])
                #expect(info.standardOutput.contains("colorspace rec709") && info.standardOutput.contains("quantization full-range"),
                        "\(info.standardOutput)")

                let refused = try camrec(["replay", recording, "--to", output, "--as-fast-as-possible"])
                #expect(refused.status != 0)
                #expect(refused.standardError.contains("quantization default instead of full-range"), "\(refused.standardError)")
                #expect(refused.standardError.contains("--accept-adjusted-format"), "\(refused.standardError)")

                let accepted = try camrecSucceeding(["replay", recording, "--to", output, "--as-fast-as-possible",
                                                     "--accept-adjusted-format"])
                #expect(accepted.standardError.contains("adjusted the format of stream"), "\(accepted.standardError)")
                #expect(accepted.standardError.contains("quantization default instead of full-range"), "\(accepted.standardError)")
                let got = try outputFormat(output)
                expectSameLayout(got, recorded)
                #expect(got.quantization == 0, "vivid's output keeps no quantization")
            }
        }
    }
}
