import CamrecStore
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing
import V4L2
import V4L2Vocabulary

/// The `camrec` executable (`CamrecExecutable.path`) run to completion, its output merged.
enum CamrecTool {
    static func run(_ arguments: [String]) throws -> ProgramResult {
        try runProgram([CamrecExecutable.path] + arguments)
    }
}

/// One buffer of a test recording: the stream it belongs to, its metadata and its plane bytes.
struct TestBuffer {
    var streamID: Int
    var sequence: UInt32
    var timestampNanoseconds: Int64
    var field: Field = .none
    var planes: [[UInt8]]
}

/// Writes recordings for replay tests with the store's own writer: each inner array of
/// `requests` is one request (buffers of several streams that belong together).
enum TestRecording {
    static func write(path: String, streams: [StreamDescription], requests: [[TestBuffer]],
                      sourceRecording: String? = nil, controls: [ControlReading] = []) throws {
        let info = RecordingInfo(camrecVersion: FormatVersion.camrec, host: "lab", commandLine: "LabTests",
                                 startWallNanoseconds: 0, startMonotonicNanoseconds: 0, source: "LabTests",
                                 sourceRecording: sourceRecording, requestToleranceNanoseconds: 0)
        let writer = try RecordingWriter(path: path, info: info, streams: streams)
        try writer.addControls(controls)
        let encoder = try PlaneEncoder(level: 1)
        var bufferID: Int64 = 0
        for (requestIndex, request) in requests.enumerated() {
            for (position, buffer) in request.enumerated() {
                bufferID += 1
                var planes: [EncodedPlane] = []
                for bytes in buffer.planes {
                    let metadata = PlaneMetadata(bytesUsed: UInt32(bytes.count), length: UInt32(bytes.count))
                    planes.append(try bytes.withUnsafeBytes { try encoder.encode($0, metadata: metadata, as: .zstd) })
                }
                let metadata = FrameMetadata(
                    status: .ok, sequence: buffer.sequence,
                    timestamp: BufferTimestamp(nanoseconds: buffer.timestampNanoseconds, clock: .monotonic),
                    field: buffer.field, planes: planes.map(\.metadata))
                try writer.append(EncodedBuffer(bufferID: bufferID, requestID: Int64(requestIndex + 1),
                                                requestJoin: position == 0 ? .opened : .sameSequenceAndTimestamp,
                                                streamID: buffer.streamID, metadata: metadata, planes: planes))
            }
        }
        try writer.close(stopReason: "written by LabTests")
    }

    /// A video stream description as camrec records it from a capture node.
    static func videoStream(id: Int, name: String, fourcc: String, width: UInt32, height: UInt32,
                            field: Field = .none, colorspace: UInt32 = 8, planes: [PlaneLayout], multiplanar: Bool = false)
        -> StreamDescription {
        StreamDescription(id: id, name: name, kind: .video,
                          format: VideoFormat(bufferType: multiplanar ? .videoCaptureMultiplanar : .videoCapture, pixelFormat: PixelFormat(fourcc) ?? PixelFormat(rawValue: 0),
                                               width: width, height: height, field: field, colorspace: colorspace,
                                               planes: planes))
    }

    /// A deterministic, per-frame distinct byte pattern (no two frames of a test share one).
    static func pattern(frame: Int, plane: Int, count: Int) -> [UInt8] {
        (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ $0 / 641 &+ frame &* 37 &+ plane &* 101) }
    }
}
