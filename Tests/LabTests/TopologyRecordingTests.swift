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
            #expect(printed == mediaCtl.output, "camrec info --topology:\n\(printed)\nmedia-ctl -p:\n\(mediaCtl.output)")
            // vimc's scaler crops on its sink pad: the rectangles are recorded too.
            #expect(printed.contains("\t\t crop.bounds:(0,0)/"), "\(printed)")
            #expect(printed.contains("[fmt:SRGGB8_1X8/640x480 field:none colorspace:srgb]"))
        }
    }
}
