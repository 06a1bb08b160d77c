import CamrecEngine
import CamrecStore
import Foundation
import Testing
import V4L2
import V4L2Vocabulary

/// A vivid instance's capture and output nodes for the loop test, and the 720x480 NTSC layout of
/// the format both use (vivid loops only between equal formats, sizes and fields).
struct LoopCase: CustomTestStringConvertible, Sendable {
    var label: String
    var fourcc: String
    var multiplanar: Bool
    var planes: [PlaneLayout]
    /// Replay from DMABUFs exported by vim2m, every plane of a buffer in one DMABUF at an offset
    /// (libcamera's FrameBuffer planes sharing one fd), instead of vivid's own MMAP buffers.
    var sharedDMABUF = false

    var testDescription: String { label }

    /// The replay's memory options.
    func memoryArguments() throws -> [String] {
        sharedDMABUF ? ["--memory", "dmabuf", "--export-device", try LabNodes.vim2m(), "--dmabuf-planes", "shared"] : []
    }

    func nodes() throws -> (capture: String, output: String) {
        multiplanar
            ? (try DeviceDiscovery.findNode(driver: "vivid", capabilities: .videoCaptureMultiplanar).path,
               try DeviceDiscovery.findNode(driver: "vivid", capabilities: .videoOutputMultiplanar).path)
            : (try LabNodes.vividCapture(), try LabNodes.vividOutput())
    }

    static let all = [
        LoopCase(label: "single-planar YUYV", fourcc: "YUYV", multiplanar: false,
                 planes: [PlaneLayout(bytesPerLine: 1440, sizeImage: 1440 * 480)]),
        LoopCase(label: "multi-planar NM12", fourcc: "NM12", multiplanar: true,
                 planes: [PlaneLayout(bytesPerLine: 720, sizeImage: 720 * 480), PlaneLayout(bytesPerLine: 720, sizeImage: 720 * 240)]),
        LoopCase(label: "multi-planar NM12, both planes in one DMABUF at offsets", fourcc: "NM12", multiplanar: true,
                 planes: [PlaneLayout(bytesPerLine: 720, sizeImage: 720 * 480), PlaneLayout(bytesPerLine: 720, sizeImage: 720 * 240)],
                 sharedDMABUF: true),
    ]
}

/// Runs v4l2-ctl (killed after two minutes, so a stuck stream fails the test instead of the
/// whole lab run) and requires it to succeed.
func v4l2ctl(_ arguments: [String]) throws {
    let result = try runProgram(["timeout", "120", "v4l2-ctl"] + arguments)
    try #require(result.status == 0, "v4l2-ctl \(arguments.joined(separator: " ")) failed: \(result.output)")
}

extension Lab {
    @Suite("Replay to V4L2 output and M2M nodes")
    struct ReplayLabTests {
        /// vivid's loop (vivid-kthread-cap.c, vivid_copy_buffer) copies the image lines of the output
        /// buffer at the head of the active list into each capture buffer, and its field
        /// (`vid_cap_buf->vb.field = vid_out_buf->vb.field`); the capture buffer keeps its own
        /// sequence (`vid_cap_seq_count`) and timestamp (the capture thread's clock). The output
        /// thread (vivid-kthread-out.c) keeps the last buffer until another one is queued, so the
        /// capture shows each replayed frame, in order, until the next one arrives.
        @Test(arguments: LoopCase.all)
        func loopVideoReturnsReplayedImagesAndFieldButNotSequenceOrTimestamp(_ loop: LoopCase) throws {
            let (capturePath, outputPath) = try loop.nodes()
            // vivid loops only from an S-Video (or HDMI) output to a matching input with the same standard.
            try v4l2ctl(["-d", capturePath, "-i", "2"])
            try v4l2ctl(["-d", capturePath, "-s", "ntsc"])
            try v4l2ctl(["-d", outputPath, "-o", "0"])
            try v4l2ctl(["-d", outputPath, "-s", "ntsc"])
            let control = try VideoDevice(path: capturePath)
            try control.setControl("osd_text_mode", to: 2)
            try control.setControl("loop_video", to: 1)
            defer {
                // Back to the webcam input the other lab tests expect.
                try? control.setControl("loop_video", to: 0)
                _ = try? runProgram(["v4l2-ctl", "-d", capturePath, "-i", "0"])
            }

            let scratch = try ScratchFolder()
            let input = scratch.path + "/loop.camrec"
            let frames = 5
            let interlaced = Field.interlaced
            let stream = TestRecording.videoStream(id: 1, name: "video", fourcc: loop.fourcc, width: 720, height: 480,
                                                   field: interlaced, colorspace: 1, planes: loop.planes,
                                                   multiplanar: loop.multiplanar)
            let recorded = (0..<frames).map { frame in
                TestBuffer(streamID: 1, sequence: UInt32(1000 + frame), timestampNanoseconds: 5_000_000_000 + Int64(frame) * 500_000_000,
                           field: interlaced,
                           planes: loop.planes.enumerated().map { TestRecording.pattern(frame: frame, plane: $0.offset, count: Int($0.element.sizeImage)) })
            }
            try TestRecording.write(path: input, streams: [stream], requests: recorded.map { [$0] })

            let source = try V4L2CaptureSource(nodes: [
                .init(path: capturePath, format: .init(width: 720, height: 480, fourcc: PixelFormat(loop.fourcc)), bufferCount: 4),
            ])
            #expect(source.streams[0].format.field == interlaced)
            try source.start()
            defer { source.stop() }
            let replay = try BackgroundProgram([CamrecExecutable.path, "replay", input, "--to", outputPath] + loop.memoryArguments())
            var captured: [(metadata: FrameMetadata, bytes: [UInt8])] = []
            var status: Int32?
            while status == nil {
                let buffers = try #require(try source.nextBuffers(timeoutMilliseconds: 500), "capture ended: \(source.endReason ?? "")")
                for buffer in buffers {
                    captured.append((buffer.metadata, buffer.planeBytes.flatMap { Array($0) }))
                    buffer.release()  // Hands the buffer back to vivid at once.
                }
                status = replay.wait(seconds: 0)
                try #require(captured.count < 400, "the replay did not end")
            }
            #expect(status == 0, "camrec replay failed: \(replay.standardError)")

            let recordedImages = recorded.map { $0.planes.flatMap { $0 } }
            let matches = captured.map { frame in recordedImages.firstIndex(of: frame.bytes) }
            let matched = matches.compactMap { $0 }
            let first = try #require(matches.firstIndex { $0 != nil }, "no captured frame equals a replayed one (\(captured.count) captured)")
            let last = try #require(matches.lastIndex { $0 != nil })
            // Preserved: every image, byte for byte, in replay order, with nothing else in between.
            #expect(matches[first...last].allSatisfy { $0 != nil }, "frames between replayed images were not replayed images: \(matches)")
            #expect(matched == matched.sorted(), "replayed images came back out of order: \(matched)")
            #expect(Set(matched) == Set(0..<frames), "not every replayed image came back: \(matched)")
            // Preserved: the field.
            for index in first...last { #expect(captured[index].metadata.field == interlaced) }
            // Not preserved: sequence and timestamp are the capture's own.
            let sequences = captured[first...last].map(\.metadata.sequence)
            #expect(zip(sequences, sequences.dropFirst()).allSatisfy { $1 > $0 }, "capture sequences: \(sequences)")
            #expect(Set(sequences).isDisjoint(with: recorded.map(\.sequence)))
            #expect(captured[first...last].allSatisfy { $0.metadata.timestamp.clock == .monotonic })
            #expect(Set(captured.map(\.metadata.timestamp.nanoseconds)).isDisjoint(with: recorded.map(\.timestampNanoseconds)))
        }

        /// camrec's replay through vim2m with --capture-to gives the frames v4l2-ctl's M2M mode
        /// gives for the same input, and every captured frame carries its input's recorded timestamp.
        @Test(arguments: MemoryCase.allCases)
        func vim2mCaptureMatchesV4l2CtlAndCarriesRecordedTimestamps(_ memory: MemoryCase) throws {
            let m2m = try LabNodes.vim2m()
            let scratch = try ScratchFolder()
            let frames = 4
            let (width, height, stride) = (UInt32(320), UInt32(240), UInt32(960))
            let size = Int(stride * height)
            let input = scratch.path + "/rgb.camrec"
            let stream = TestRecording.videoStream(id: 1, name: "rgb", fourcc: "RGB3", width: width, height: height,
                                                   planes: [PlaneLayout(bytesPerLine: stride, sizeImage: UInt32(size))])
            // Microsecond timestamps: V4L2 carries timestamps as timeval.
            let recorded = (0..<frames).map { frame in
                TestBuffer(streamID: 1, sequence: UInt32(frame), timestampNanoseconds: 7_000_000_000 + Int64(frame) * 33_333_000,
                           planes: [TestRecording.pattern(frame: frame, plane: 0, count: size)])
            }
            try TestRecording.write(path: input, streams: [stream], requests: recorded.map { [$0] })

            let rawInput = scratch.path + "/in.raw"
            let rawOutput = scratch.path + "/ref.raw"
            try Data(recorded.flatMap { $0.planes[0] }).write(to: URL(fileURLWithPath: rawInput))
            try v4l2ctl(["-d", m2m, "--set-fmt-video-out=width=320,height=240,pixelformat=RGB3",
                         "--set-fmt-video=width=320,height=240,pixelformat=RGB3", "--stream-out-mmap", "--stream-mmap",
                         "--stream-from=\(rawInput)", "--stream-to=\(rawOutput)", "--stream-count=\(frames)"])
            let reference = try Data(contentsOf: URL(fileURLWithPath: rawOutput))
            try #require(reference.count == frames * size, "v4l2-ctl wrote \(reference.count) bytes, expected \(frames) frames of \(size)")
            let referencePath = scratch.path + "/ref.camrec"
            try TestRecording.write(
                path: referencePath,
                streams: [TestRecording.videoStream(id: 1, name: "capture", fourcc: "RGB3", width: width, height: height,
                                                    planes: [PlaneLayout(bytesPerLine: stride, sizeImage: UInt32(size))])],
                requests: (0..<frames).map { frame in
                    [TestBuffer(streamID: 1, sequence: UInt32(frame), timestampNanoseconds: recorded[frame].timestampNanoseconds,
                                planes: [Array(reference[(frame * size)..<((frame + 1) * size)])])]
                })

            let output = scratch.path + "/out.camrec"
            var arguments = ["replay", input, "--to", m2m, "--capture-to", output, "--as-fast-as-possible", "--json"]
            if memory == .dmabuf {
                arguments += ["--capture-format", "320x240:RGB3"]
            }
            if memory == .dmabuf {
                // vivid's capture node exports the buffers: 640x360 YUYV ones hold a 320x240 RGB3 frame.
                let exporter = try LabNodes.vividCapture()
                try v4l2ctl(["-d", exporter, "--set-fmt-video=width=640,height=360,pixelformat=YUYV"])
                arguments += ["--memory", "dmabuf", "--export-device", exporter]
            }
            let replay = try CamrecTool.run(arguments)
            try #require(replay.status == 0, "camrec replay failed: \(replay.output)")
            #expect(replay.output.contains("\"frames_sent\":\(frames)"), "\(replay.output)")
            if memory == .mmap {
                // Without --capture-format the capture side takes the output's format, and says so.
                #expect(replay.output.contains("capture format 320x240 RGB3") && replay.output.contains("the output's format"),
                        "\(replay.output)")
            }

            let againstReference = try CamrecTool.run(["diff", referencePath, output])
            #expect(againstReference.status == 0, "camrec diff against v4l2-ctl: \(againstReference.output)")
            #expect(againstReference.output.contains("\(frames) bit-exact"))
            let againstInput = try CamrecTool.run(["diff", input, output, "--pair", "timestamp"])
            #expect(againstInput.status == 0, "RGB3 to RGB3 through vim2m is byte-identical: \(againstInput.output)")

            let captured = try RecordingReader(path: output)
            #expect(captured.info.sourceRecording == input)
            #expect(captured.info.sourceDevice == m2m)
            #expect(captured.streams.first?.device?.driver == "vim2m")
            let buffers = try captured.buffers()
            #expect(buffers.map(\.metadata.timestamp.nanoseconds) == recorded.map(\.timestampNanoseconds))
            #expect(buffers.allSatisfy { $0.metadata.timestamp.clock == .copy })
        }

        /// The synthetic camera's timestamps are whole microseconds, as a driver's: through vim2m
        /// (which copies each output buffer's timestamp to its capture buffer) every frame comes
        /// back with its exact recorded timestamp, so `diff --pair timestamp` pairs every one.
        @Test func syntheticThroughVim2mPairsEveryFrameByTimestamp() throws {
            let scratch = try ScratchFolder()
            let source = scratch.path + "/synthetic.camrec"
            let output = scratch.path + "/out.camrec"
            try camrecSucceeding(["record", "--synthetic", "--synthetic-preview-format", "rgb3",
                                  "--synthetic-unpaced", "--frames", "6", "-o", source])
            try camrecSucceeding(["replay", source, "--stream", "preview", "--to", try LabNodes.vim2m(), "--capture-to", output,
                                  "--as-fast-as-possible"])
            let diff = try camrec(["diff", source, output, "--stream", "preview=capture", "--pair", "timestamp", "--json"])
            let object = try JSONSerialization.jsonObject(with: Data(diff.standardOutput.utf8)) as? [String: Any]
            let streams = object?["streams"] as? [[String: Any]] ?? []
            #expect(streams.first?["paired"] as? Int == 6, "\(diff.standardOutput)\(diff.standardError)")
            #expect((streams.first?["only_in_first"] as? [Any])?.isEmpty == true, "\(diff.standardOutput)")
            #expect(diff.status == 0, "RGB3 through vim2m comes back byte for byte: \(diff.standardOutput)")
        }

        /// One recording with a video stream and a vivid parameters stream ('VIVD': brightness,
        /// contrast, saturation, hue) replayed into vivid's video output and metadata output in one
        /// run; vivid applies each parameters buffer to its capture controls as it takes it.
        @Test func videoAndMetadataOutputFedFromOneRecordingPerRequest() throws {
            let capturePath = try LabNodes.vividCapture()
            let videoOutput = try LabNodes.vividOutput()
            let metaOutput = try DeviceDiscovery.findNode(driver: "vivid", capabilities: .metaOutput).path
            // vivid's metadata output works only while its capture input is the webcam (input 0).
            try v4l2ctl(["-d", capturePath, "-i", "0"])
            try v4l2ctl(["-d", videoOutput, "-o", "0"])
            try v4l2ctl(["-d", videoOutput, "-s", "ntsc"])
            let capture = try VideoDevice(path: capturePath)
            try capture.setControl("brightness", to: 128)
            defer {
                // vivid's defaults, so later tests see the picture they expect.
                for (name, value) in [("brightness", 128), ("contrast", 128), ("saturation", 128), ("hue", 0)] {
                    try? capture.setControl(name, to: Int64(value))
                }
            }

            let scratch = try ScratchFolder()
            let input = scratch.path + "/params.camrec"
            let requests = 4
            let video = TestRecording.videoStream(id: 1, name: "video", fourcc: "YUYV", width: 720, height: 480, field: .interlaced,
                                                  colorspace: 1, planes: [PlaneLayout(bytesPerLine: 1440, sizeImage: 1440 * 480)])
            let params = StreamDescription(id: 2, name: "params", kind: .meta,
                                           format: VideoFormat(bufferType: .metaOutput, pixelFormat: PixelFormat("VIVD") ?? PixelFormat(rawValue: 0),
                                                                width: 0, height: 0, field: .none,
                                                                planes: [PlaneLayout(bytesPerLine: 0, sizeImage: 8)]))
            func parameters(brightness: UInt16) -> [UInt8] {
                // struct vivid_meta_out_buf { u16 brightness, contrast, saturation; s16 hue }, little-endian.
                [UInt16(brightness), 100, 110, 0].flatMap { [UInt8($0 & 0xff), UInt8($0 >> 8)] }
            }
            let brightness = (0..<requests).map { UInt16(40 + 30 * $0) }
            try TestRecording.write(path: input, streams: [video, params], requests: (0..<requests).map { index in
                let timestamp = 3_000_000_000 + Int64(index) * 200_000_000
                return [
                    TestBuffer(streamID: 1, sequence: UInt32(index), timestampNanoseconds: timestamp, field: .interlaced,
                               planes: [TestRecording.pattern(frame: index, plane: 0, count: 1440 * 480)]),
                    TestBuffer(streamID: 2, sequence: UInt32(index), timestampNanoseconds: timestamp,
                               planes: [parameters(brightness: brightness[index])]),
                ]
            })

            let replay = try CamrecTool.run(["replay", input, "--to", "video=\(videoOutput)", "--to", "params=\(metaOutput)", "--json"])
            try #require(replay.status == 0, "camrec replay failed: \(replay.output)")
            let report = try #require(try JSONSerialization.jsonObject(with: Data(replay.output.utf8)) as? [String: Any])
            #expect(report["frames_sent"] as? Int == 2 * requests)
            #expect(report["requests_sent"] as? Int == requests)
            let targets = try #require(report["targets"] as? [[String: Any]])
            #expect(targets.map { $0["device"] as? String } == [videoOutput, metaOutput])
            for target in targets {
                let statistics = try #require(target["statistics"] as? [String: Any])
                #expect(statistics["queued"] as? Int == requests)
                #expect((statistics["returned"] as? Int ?? 0) + (statistics["held_at_end"] as? Int ?? 0) == requests)
            }
            // vivid took every parameters buffer: the capture's brightness is the last one replayed.
            #expect(try capture.value(ofControl: "brightness") == Int64(brightness[requests - 1]))
            #expect(try capture.value(ofControl: "contrast") == 100)
        }

        /// A recorded format the target adjusts is refused before any buffer is queued, saying what
        /// was recorded, what the device offers and what to do.
        @Test func refusedFormatFailsBeforeAnythingIsQueued() throws {
            let m2m = try LabNodes.vim2m()
            let scratch = try ScratchFolder()
            let input = scratch.path + "/yuyv.camrec"
            let stream = TestRecording.videoStream(id: 1, name: "yuyv", fourcc: "YUYV", width: 320, height: 240,
                                                   planes: [PlaneLayout(bytesPerLine: 640, sizeImage: 640 * 240)])
            try TestRecording.write(path: input, streams: [stream], requests: [[
                TestBuffer(streamID: 1, sequence: 0, timestampNanoseconds: 1_000_000,
                           planes: [TestRecording.pattern(frame: 0, plane: 0, count: 640 * 240)]),
            ]])
            let output = scratch.path + "/out.camrec"
            let replay = try CamrecTool.run(["replay", input, "--to", m2m, "--capture-to", output])
            #expect(replay.status != 0)
            for expected in ["cannot replay stream 'yuyv'", "recorded as 320x240 YUYV", "the device rejected that",
                             "RGB3", "Nothing was queued", "camrec devices"] {
                #expect(replay.output.contains(expected), "missing '\(expected)' in: \(replay.output)")
            }
            #expect(!FileManager.default.fileExists(atPath: output), "no capture recording is made for a refused replay")

            // In-process: the sink fails in prepare, with no buffers requested and none queued.
            let reader = try RecordingReader(path: input)
            let sink = try V4L2OutputSink(path: m2m)
            let error = #expect(throws: V4L2Error.self) { try sink.prepare(stream: reader.streams[0]) }
            #expect(error?.kind == .formatAdjusted)
            #expect(sink.statistics.queued == 0)
            #expect(sink.device.outputQueue?.bufferCount == 0)
            #expect(sink.device.outputQueue?.memory == nil)

            // A code vivid's output does not list: vivid adjusts it to one it does, which is refused the same way.
            let odd = TestRecording.videoStream(id: 1, name: "odd", fourcc: "MJPG", width: 720, height: 480, field: .interlaced,
                                                planes: [PlaneLayout(bytesPerLine: 0, sizeImage: 100_000)])
            let adjusted = try V4L2OutputSink(path: try LabNodes.vividOutput())
            let adjustedError = #expect(throws: V4L2Error.self) { try adjusted.prepare(stream: odd) }
            #expect(adjustedError?.kind == .formatAdjusted)
            #expect(adjustedError?.description.contains("recorded as 720x480 MJPG") == true)
            #expect(adjustedError?.description.contains("the device adjusted that to") == true, "\(adjustedError?.description ?? "")")
            #expect(adjusted.statistics.queued == 0 && adjusted.device.outputQueue?.memory == nil)

            // Two memory planes cannot go to a single-planar queue: refused before VIDIOC_S_FMT.
            let planar = TestRecording.videoStream(id: 1, name: "nm12", fourcc: "NM12", width: 320, height: 180,
                                                   planes: [PlaneLayout(bytesPerLine: 320, sizeImage: 320 * 180),
                                                            PlaneLayout(bytesPerLine: 320, sizeImage: 320 * 90)],
                                                   multiplanar: true)
            let single = try V4L2OutputSink(path: try LabNodes.vividOutput())
            let planeError = #expect(throws: V4L2Error.self) { try single.prepare(stream: planar) }
            #expect(planeError?.description.contains("2 memory planes") == true)
        }
    }
}
