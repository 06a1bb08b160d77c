import CamrecStore
import Foundation
import Testing
import V4L2
import V4L2Vocabulary

/// `camrec replay --restore-controls` against vim2m: a recorded control the target has is set
/// before streaming (its effect shows in the frames), the others are skipped or refused, and
/// stderr says which.
extension Lab {
    @Suite("Replay restores recorded controls")
    struct ControlRestoreTests {
        private static func reading(_ key: String, type: ControlType, value: ControlValue?, maximum: Int64 = 1) -> ControlReading {
            ControlReading(streamID: 1, event: .start, monotonicNanoseconds: 0, controlID: 0, name: key, key: key, type: type,
                           typeName: type.description, value: value, minimum: 0, maximum: maximum, step: 1, defaultValue: 0,
                           flags: 0)
        }

        @Test("horizontal_flip recorded as 1 mirrors vim2m's output; controls vim2m lacks or refuses are named")
        func restoreControlsSetsWhatTheTargetHas() throws {
            let m2m = try LabNodes.vim2m()
            let scratch = try ScratchFolder()
            let (width, height, stride) = (320, 240, 960)
            let size = stride * height
            let input = scratch.path + "/rgb.camrec"
            let frames = 2
            let recorded = (0..<frames).map { frame in
                TestBuffer(streamID: 1, sequence: UInt32(frame), timestampNanoseconds: 1_000_000_000 + Int64(frame) * 33_333_000,
                           planes: [TestRecording.pattern(frame: frame, plane: 0, count: size)])
            }
            let controls = [
                Self.reading("horizontal_flip", type: .boolean, value: .integer(1)),
                Self.reading("brightness", type: .integer, value: .integer(200), maximum: 255),
                Self.reading("transaction_time_msec", type: .integer, value: .integer(0), maximum: 10_001),
                Self.reading("vertical_flip", type: .integer, value: .integer(1)),
            ]
            try TestRecording.write(
                path: input,
                streams: [TestRecording.videoStream(id: 1, name: "rgb", fourcc: "RGB3", width: UInt32(width), height: UInt32(height),
                                                    planes: [PlaneLayout(bytesPerLine: UInt32(stride), sizeImage: UInt32(size))])],
                requests: recorded.map { [$0] }, controls: controls)
            let output = scratch.path + "/out.camrec"
            let replay = try CamrecTool.run(["replay", input, "--to", m2m, "--capture-to", output, "--as-fast-as-possible",
                                             "--restore-controls"])
            try #require(replay.status == 0, "camrec replay --restore-controls failed: \(replay.output)")
            #expect(replay.output.contains("restored control horizontal_flip = 1 on \(m2m)"), "\(replay.output)")
            #expect(replay.output.contains("skipped control brightness: \(m2m) has no such control"), "\(replay.output)")
            #expect(replay.output.contains("control transaction_time_msec refused by \(m2m)"), "\(replay.output)")
            #expect(replay.output.contains("skipped control vertical_flip: recorded as type int, but \(m2m) has it as bool"),
                    "\(replay.output)")

            // The flip took effect: each captured row is its input row with the pixels (3 bytes) in reverse order.
            let captured = try RecordingReader(path: output)
            let buffers = try captured.buffers()
            try #require(buffers.count == frames, "captured \(buffers.count) frames")
            for (frame, buffer) in buffers.enumerated() {
                let bytes = try captured.readPlane(buffer.planes[0])
                let source = recorded[frame].planes[0]
                var mirrored = [UInt8](repeating: 0, count: size)
                for row in 0..<height {
                    for column in 0..<width {
                        let from = row * stride + column * 3
                        let to = row * stride + (width - 1 - column) * 3
                        mirrored[to..<(to + 3)] = source[from..<(from + 3)]
                    }
                }
                #expect(Array(bytes.prefix(size)) == mirrored, "frame \(frame) is not the horizontal mirror of its input")
            }
        }
    }
}
