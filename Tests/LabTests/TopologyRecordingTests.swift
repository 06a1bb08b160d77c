import Foundation
import Testing
import V4L2

/// `camrec info --topology` against vimc: the media graph stored at the start of a recording is
/// what `media-ctl -p` printed for the same media device at the time.
extension Lab {
    @Suite("Recorded media topology")
    struct TopologyRecordingTests {
        @Test("info --topology of a vimc recording prints what media-ctl -p printed at the time")
        func topologyMatchesMediaCtl() throws {
            let raw = try LabNodes.vimc("Raw Capture 0")
            let media = try #require(try MediaDevice.locate(videoNode: raw)).mediaDevicePath
            // Sensor A's Bayer pipeline, as the other vimc tests set it: a format that differs from
            // the defaults shows that the pads' active formats are read, not assumed.
            try VimcPipeline.setPadFormat(media, #""Sensor A":0[fmt:SRGGB8_1X8/640x480 field:none colorspace:srgb]"#)
            try VimcPipeline.setPadFormat(media, #""Debayer A":0[fmt:SRGGB8_1X8/640x480 field:none colorspace:srgb]"#)
            try VimcPipeline.setVideoFormat(raw, "RGGB")
            let scratch = try ScratchFolder()
            let recording = scratch.file("topology.camrec")
            try camrecSucceeding(["record", "-d", "\(raw):640x480:RGGB", "-o", recording, "--frames", "2"])
            let mediaCtl = try runProgram(["media-ctl", "-p", "-d", media])
            try #require(mediaCtl.status == 0, "media-ctl -p -d \(media): \(mediaCtl.output)")

            let info = try camrecSucceeding(["info", "--topology", recording]).standardOutput
            #expect(info.hasPrefix("Media device \(media) (recorded streams '\(raw.replacingOccurrences(of: "/dev/", with: ""))')\n"),
                    "\(info.prefix(200))")
            let printed = String(info.drop { $0 != "\n" }.dropFirst())
            let expected = Self.withoutSelections(mediaCtl.output)
            #expect(printed == expected, "camrec info --topology:\n\(printed)\nmedia-ctl -p:\n\(expected)")
            #expect(printed.contains("[fmt:SRGGB8_1X8/640x480 field:none colorspace:srgb]"))
        }

        /// media-ctl -p without the crop and compose rectangles it adds inside a format's brackets
        /// (VIDIOC_SUBDEV_G_SELECTION), which camrec does not record.
        static func withoutSelections(_ text: String) -> String {
            var lines: [String] = []
            for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
                if line.hasPrefix("\t\t crop") || line.hasPrefix("\t\t compose") {
                    if let last = lines.last, !last.hasSuffix("]") { lines[lines.count - 1] = last + "]" }
                    continue
                }
                lines.append(String(line))
            }
            // A format line whose selections were dropped lost its closing bracket with them.
            return lines.map { $0.hasPrefix("\t\t[fmt:") && !$0.hasSuffix("]") ? $0 + "]" : $0 }.joined(separator: "\n")
        }
    }
}
