import CamrecStore
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing
import V4L2
import V4L2Vocabulary

/// vicodec's three nodes (FWHT), found by their names.
enum VicodecNodes {
    static func encoder() throws -> String { try DeviceDiscovery.findNode(driver: "vicodec", name: "stateful-encoder").path }
    static func decoder() throws -> String { try DeviceDiscovery.findNode(driver: "vicodec", name: "stateful-decoder").path }
    static func statelessDecoder() throws -> String { try DeviceDiscovery.findNode(driver: "vicodec", name: "stateless-decoder").path }
}

/// A raw frame size and the coded height vicodec rounds it to (a multiple of 8 per plane row).
struct CodecSizeCase: CustomTestStringConvertible, Sendable {
    var width: UInt32
    var height: UInt32
    var codedHeight: UInt32
    var testDescription: String { "\(width)x\(height) (coded \(width)x\(codedHeight))" }

    static let all = [
        CodecSizeCase(width: 640, height: 480, codedHeight: 480),
        CodecSizeCase(width: 640, height: 360, codedHeight: 368),
    ]
}

extension Lab {
    @Suite("Replay through codecs (vicodec): encoder, decoders, drain, requests, lockstep")
    struct CodecReplayTests {
        /// Records `frames` NV12 frames of vivid's webcam at a size it lists.
        static func recordVivid(_ path: String, width: UInt32, height: UInt32, frames: Int) throws {
            try camrecSucceeding(["record", "-d", "\(try LabNodes.vividCapture()):\(width)x\(height):NV12", "-o", path,
                                  "--frames", "\(frames)"])
        }

        /// Replays `input` into `node` and records what it produces into `output`.
        @discardableResult
        static func replay(_ input: String, into node: String, captureTo output: String, _ extra: [String] = []) throws -> CommandResult {
            try camrecSucceeding(["replay", input, "--to", node, "--capture-to", output, "--as-fast-as-possible"] + extra)
        }

        /// The big-endian word `index` of an FWHT header after its two magic words.
        static func headerWord(_ frame: [UInt8], _ index: Int) -> UInt32? {
            let start = 8 + index * 4
            guard frame.count >= start + 4 else { return nil }
            return frame[start..<start + 4].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        }

        /// V4L2_FWHT_FL_I_FRAME (bit 10) in the header's flags word.
        static func isIntraFrame(_ frame: [UInt8]) -> Bool { (headerWord(frame, 3) ?? 0) & (1 << 10) != 0 }

        /// Every buffer's first plane, in order.
        static func payloads(_ path: String, stream: String? = nil) throws -> [[UInt8]] {
            let reader = try RecordingReader(path: path)
            let ids = try stream.map { [try #require(reader.stream(named: $0)).id] }
            return try reader.buffers(streamIDs: ids).map { try reader.readPlane($0.planes[0]) }
        }

        /// The encoder's compressed stream is what v4l2-ctl gets through the same encoder from the
        /// same frames in the same format (colorimetry included, so the FWHT headers agree too), and
        /// each buffer keeps its real bytesused, the driver's flags and the copied timestamp.
        /// (vicodec says the frame type only in the FWHT header's I-frame bit:
        /// v4l2_m2m_buf_copy_metadata hands the output buffer's KEYFRAME/PFRAME bits, none, to the
        /// capture buffer, so the recorded flags are TIMESTAMP_COPY and MAPPED, as the driver gave them.) At
        /// 640x360 the encoder codes 640x368 with the visible size as its crop: camrec lays the
        /// frames out for the coded size (the rows below 360 black), as v4l2-ctl does.
        @Test(arguments: CodecSizeCase.all)
        func encoderOutputIsV4l2CtlsByteForByte(_ size: CodecSizeCase) throws {
            let encoder = try VicodecNodes.encoder()
            let scratch = try ScratchFolder()
            let raw = scratch.path + "/raw.camrec"
            let encoded = scratch.path + "/enc.camrec"
            let frames = 5
            try Self.recordVivid(raw, width: size.width, height: size.height, frames: frames)
            let result = try Self.replay(raw, into: encoder, captureTo: encoded)
            if size.codedHeight != size.height {
                #expect(result.standardError.contains("crop selection"), "\(result.standardError)")
            }

            // v4l2-ctl's input: the recorded frames as they are; with the crop set, v4l2-ctl reads
            // visible-size frames into buffers it first filled with its test pattern, so the rows
            // below the visible ones hold the pattern: pattern 5 (100% black) is what camrec pads with.
            let rawReader = try RecordingReader(path: raw)
            let rawBuffers = try rawReader.buffers()
            var input: [UInt8] = []
            for buffer in rawBuffers { input += try rawReader.readPlane(buffer.planes[0]) }
            let inputPath = scratch.path + "/in.nv12"
            let referencePath = scratch.path + "/ref.fwht"
            try Data(input).write(to: URL(fileURLWithPath: inputPath))
            let colorspace = try #require(rawReader.streams.first?.format.colorspace)
            #expect(colorspace == 8, "vivid's webcam is sRGB (colorspace 8)")
            var arguments = ["-d", encoder, "--set-fmt-video-out=width=\(size.width),height=\(size.height),pixelformat=NV12,colorspace=srgb"]
            if size.codedHeight != size.height {
                arguments.append("--set-selection-output=target=crop,left=0,top=0,width=\(size.width),height=\(size.height)")
            }
            try v4l2ctl(arguments + ["--stream-out-pattern=5", "--stream-mmap", "--stream-out-mmap", "--stream-from=\(inputPath)",
                                     "--stream-to=\(referencePath)"])
            let reference = try [UInt8](Data(contentsOf: URL(fileURLWithPath: referencePath)))

            let encodedReader = try RecordingReader(path: encoded)
            let stream = try #require(encodedReader.streams.first)
            #expect(stream.format.pixelFormat.description == "FWHT")
            #expect(stream.format.width == size.width && stream.format.height == size.codedHeight)
            let buffers = try encodedReader.buffers()
            let payloads = try buffers.map { try encodedReader.readPlane($0.planes[0]) }
            #expect(payloads.count == frames)
            #expect(payloads.flatMap { $0 } == reference, "camrec's FWHT stream (\(payloads.map(\.count))) differs from v4l2-ctl's (\(reference.count) bytes)")
            for (buffer, payload) in zip(buffers, payloads) {
                #expect(Int(buffer.planes[0].metadata.bytesUsed) == payload.count)
                #expect(buffer.metadata.flags.contains(.timestampCopy),
                        "flags 0x\(String(buffer.metadata.flags.rawValue, radix: 16))")
                // The FWHT header's colorspace word (big-endian, after magic, version, width, height and flags).
                #expect(Self.headerWord(payload, 4) == colorspace)
            }
            #expect(Self.isIntraFrame(payloads[0]), "a stream starts with an I-frame")
            #expect(buffers.map(\.metadata.timestamp.nanoseconds) == rawBuffers.map(\.metadata.timestamp.nanoseconds))
            #expect(buffers.allSatisfy { $0.metadata.timestamp.clock == .copy })
            let stop = try camrecSucceeding(["info", encoded]).standardOutput
            #expect(stop.contains("V4L2_BUF_FLAG_LAST"), "the encoder's end is its drain: \(stop)")
        }

        /// The decoder's capture side is set up after V4L2_EVENT_SOURCE_CHANGE in the raw format
        /// the compressed recording came from, every frame pairs with its source by timestamp
        /// above 30 dB (FWHT is lossy: vicodec's default quantisers give about 37.6 dB on vivid's
        /// pattern; a wrongly laid out or mis-sized frame is near 15), and a resolution change in
        /// the stream (two encodings of different sizes, one after the other) becomes a second
        /// stream of the new size.
        @Test func decoderFollowsTheStreamsFormatAndAResolutionChange() throws {
            let encoder = try VicodecNodes.encoder()
            let decoder = try VicodecNodes.decoder()
            let scratch = try ScratchFolder()
            let raw = scratch.path + "/raw.camrec"
            let encoded = scratch.path + "/enc.camrec"
            try Self.recordVivid(raw, width: 640, height: 480, frames: 4)
            try Self.replay(raw, into: encoder, captureTo: encoded)
            let rawSmall = scratch.path + "/raw360.camrec"
            let encodedSmall = scratch.path + "/enc360.camrec"
            try Self.recordVivid(rawSmall, width: 640, height: 360, frames: 3)
            try Self.replay(rawSmall, into: encoder, captureTo: encodedSmall)

            // One compressed stream: the 640x480 frames, then the 640x360 ones.
            let large = try RecordingReader(path: encoded)
            let small = try RecordingReader(path: encodedSmall)
            let largeBuffers = try large.buffers()
            let lastTimestamp = try #require(largeBuffers.last).metadata.timestamp.nanoseconds
            var requests: [[TestBuffer]] = []
            for buffer in largeBuffers {
                requests.append([TestBuffer(streamID: 1, sequence: buffer.metadata.sequence, timestampNanoseconds: buffer.metadata.timestamp.nanoseconds,
                                            planes: [try large.readPlane(buffer.planes[0])])])
            }
            let smallBuffers = try small.buffers()
            for (index, buffer) in smallBuffers.enumerated() {
                requests.append([TestBuffer(streamID: 1, sequence: UInt32(largeBuffers.count + index),
                                            timestampNanoseconds: lastTimestamp + Int64(index + 1) * 200_000_000,
                                            planes: [try small.readPlane(buffer.planes[0])])])
            }
            let joined = scratch.path + "/joined.camrec"
            try TestRecording.write(path: joined, streams: [try #require(large.streams.first)], requests: requests,
                                    sourceRecording: raw)

            let decoded = scratch.path + "/dec.camrec"
            let result = try Self.replay(joined, into: decoder, captureTo: decoded)
            #expect(result.standardError.contains("NV12, the raw format the compressed recording came from"), "\(result.standardError)")
            let reader = try RecordingReader(path: decoded)
            let summary = "\(result.standardError)\n\(try camrec(["info", decoded]).standardOutput)"
            try #require(reader.streams.count == 2, "streams: \(reader.streams.map(\.name)); \(summary)")
            let (first, second) = (reader.streams[0], reader.streams[1])
            #expect(first.format.pixelFormat.description == "NV12" && first.format.width == 640 && first.format.height == 480)
            #expect(second.format.pixelFormat.description == "NV12" && second.format.width == 640 && second.format.height == 368)
            #expect(try reader.buffers(streamID: first.id).map(\.metadata.timestamp.nanoseconds)
                    == largeBuffers.map(\.metadata.timestamp.nanoseconds))
            #expect(try reader.buffers(streamID: second.id).count == smallBuffers.count)
            let notes = try camrecSucceeding(["info", decoded]).standardOutput
            #expect(notes.contains("V4L2_BUF_FLAG_LAST"), "\(notes)")

            let diff = try camrec(["diff", raw, decoded, "--stream", "video0=capture", "--pair", "timestamp", "--min-psnr", "30"])
            #expect(diff.status == 0, "\(diff.standardOutput)\(diff.standardError)")
            #expect(diff.standardOutput.contains("4 paired"), "\(diff.standardOutput)")
        }

        /// The stateless decoder, fed one frame per media request with its header as
        /// V4L2_CID_STATELESS_FWHT_PARAMS and the previous frame as reference, gives exactly the
        /// stateful decoder's frames, P-frames included (GOP size 3 via --set-ctrl).
        @Test func statelessDecoderThroughMediaRequestsGivesTheStatefulDecodersFrames() throws {
            let scratch = try ScratchFolder()
            let raw = scratch.path + "/raw.camrec"
            let encoded = scratch.path + "/enc.camrec"
            try Self.recordVivid(raw, width: 640, height: 480, frames: 6)
            let encoding = try Self.replay(raw, into: try VicodecNodes.encoder(), captureTo: encoded, ["--set-ctrl", "video_gop_size=3"])
            #expect(encoding.standardError.contains("control video_gop_size set to 3"))
            let encodedInfo = try camrecSucceeding(["info", encoded]).standardOutput
            #expect(encodedInfo.contains("control video_gop_size set to 3"), "the control is noted in the recording: \(encodedInfo)")
            let frameTypes = try Self.payloads(encoded).map { Self.isIntraFrame($0) ? "I" : "P" }
            #expect(frameTypes == ["I", "P", "P", "I", "P", "P"], "GOP 3 over 6 frames")

            let stateful = scratch.path + "/dec.camrec"
            let stateless = scratch.path + "/sdec.camrec"
            try Self.replay(encoded, into: try VicodecNodes.decoder(), captureTo: stateful)
            let result = try Self.replay(encoded, into: try VicodecNodes.statelessDecoder(), captureTo: stateless)
            #expect(result.standardError.contains("media requests"), "\(result.standardError)")
            let diff = try camrec(["diff", stateful, stateless, "--pair", "timestamp"])
            #expect(diff.status == 0, "\(diff.standardOutput)\(diff.standardError)")
            #expect(diff.standardOutput.contains("6 bit-exact"), "\(diff.standardOutput)")
        }

        /// --lockstep: with both cores busy, 100 frames through the encoder give the same
        /// recording as without load.
        @Test func lockstepReplayUnderLoadGivesTheUnloadedOutput() throws {
            let encoder = try VicodecNodes.encoder()
            let scratch = try ScratchFolder()
            let source = scratch.path + "/synthetic.camrec"
            try camrecSucceeding(["record", "--synthetic", "--synthetic-size", "640x480", "--synthetic-unpaced", "--frames", "100",
                                  "-o", source])
            let quiet = scratch.path + "/quiet.camrec"
            let loaded = scratch.path + "/loaded.camrec"
            try camrecSucceeding(["replay", source, "--stream", "main", "--to", encoder, "--capture-to", quiet, "--lockstep"])
            let hogs = try (0..<2).map { _ in try BackgroundProgram(["sh", "-c", "while :; do :; done"]) }
            defer { for hog in hogs { kill(hog.pid, SIGKILL); _ = hog.wait(seconds: 5) } }
            try camrecSucceeding(["replay", source, "--stream", "main", "--to", encoder, "--capture-to", loaded, "--lockstep"])
            let diff = try camrec(["diff", quiet, loaded])
            #expect(diff.status == 0, "\(diff.standardOutput)\(diff.standardError)")
            #expect(diff.standardOutput.contains("100 bit-exact"), "\(diff.standardOutput)")
        }
    }
}
