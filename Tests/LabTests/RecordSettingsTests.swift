import CamrecStore
import Foundation
import Testing
import V4L2

extension Lab {
    /// What `camrec record` sets before streaming, the way v4l2-ctl does: the frame rate
    /// (`-d DEV:...@FPS`, VIDIOC_S_PARM), controls (`--set-ctrl`) and buffers to skip (`--skip`).
    @Suite("camrec record settings: frame rate, controls, skip")
    struct RecordSettingsTests {
        /// Mean of the Y bytes of a YUYV frame.
        static func meanLuma(_ frame: [UInt8]) -> Double {
            var sum = 0
            var count = 0
            for index in stride(from: 0, to: frame.count, by: 2) {
                sum += Int(frame[index])
                count += 1
            }
            return count == 0 ? 0 : Double(sum) / Double(count)
        }

        /// The recorded time per sequence step, from the first and last buffers (drops do not change it).
        static func secondsPerFrame(_ buffers: [IndexedBuffer]) -> Double? {
            guard let first = buffers.first, let last = buffers.last, last.metadata.sequence > first.metadata.sequence else { return nil }
            return Double(last.metadata.timestamp.nanoseconds - first.metadata.timestamp.nanoseconds) / 1e9
                / Double(last.metadata.sequence - first.metadata.sequence)
        }

        @Test func frameRateBrightnessAndSkipAreSetAndStored() throws {
            let node = try LabNodes.vividCapture()
            try makeVividDeterministic(node)
            let device = try VideoDevice(path: node)
            let defaultBrightness = try device.value(ofControl: "brightness")
            defer { try? device.setControl("brightness", to: defaultBrightness) }
            let scratch = try ScratchFolder()
            let plain = scratch.path + "/plain.camrec"
            let set = scratch.path + "/set.camrec"
            try camrecSucceeding(["record", "-d", "\(node):320x180:YUYV@5", "-o", plain, "--frames", "4"])
            let result = try camrecSucceeding(["record", "-d", "\(node):320x180:YUYV@15", "--set-ctrl", "brightness=200",
                                               "--skip", "2", "-o", set, "--frames", "16"])
            #expect(result.standardError.contains("control brightness set to 200"), "\(result.standardError)")

            let plainReader = try RecordingReader(path: plain)
            let setReader = try RecordingReader(path: set)
            let plainBuffers = try plainReader.buffers()
            let setBuffers = try setReader.buffers()
            #expect(setBuffers.count == 16)
            // --skip 2: the recording starts two frames in.
            #expect(try #require(setBuffers.first).metadata.sequence >= 2)
            // 15 fps: 66.7 ms per frame (vivid's timestamps follow its frame period), against 200 ms at @5.
            let setPeriod = try #require(Self.secondsPerFrame(setBuffers))
            let plainPeriod = try #require(Self.secondsPerFrame(plainBuffers))
            #expect(abs(setPeriod - 1.0 / 15) < 0.1 / 15, "recorded \(setPeriod * 1000) ms per frame at @15")
            #expect(abs(plainPeriod - 1.0 / 5) < 0.1 / 5, "recorded \(plainPeriod * 1000) ms per frame at @5")
            // The brightness is in the frames: a brighter picture than at the default.
            let plainLuma = Self.meanLuma(try plainReader.readPlane(try #require(plainBuffers.last).planes[0]))
            let setLuma = Self.meanLuma(try setReader.readPlane(try #require(setBuffers.last).planes[0]))
            #expect(setLuma > plainLuma + 20, "mean Y \(setLuma) with brightness 200, \(plainLuma) at the default \(defaultBrightness)")
            // And stored with the recording.
            let info = try camrecSucceeding(["info", set]).standardOutput
            #expect(info.contains("control brightness set to 200"), "\(info)")
            #expect(info.contains("time per frame 1/15"), "\(info)")
            #expect(info.contains("first 2 buffers"), "\(info)")
        }

        @Test func aRateTheDeviceAdjustsIsRefused() throws {
            let node = try LabNodes.vividCapture()
            let scratch = try ScratchFolder()
            let result = try camrec(["record", "-d", "\(node):320x180:YUYV@7", "-o", scratch.path + "/r.camrec", "--frames", "1"])
            #expect(result.status == 1)
            #expect(result.standardError.contains("VIDIOC_S_PARM") && result.standardError.contains("--accept-adjusted-format"),
                    "\(result.standardError)")
        }
    }
}
