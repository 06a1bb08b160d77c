import CamrecEngine
import CamrecStore
import CamrecTestSupport
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing
import V4L2Vocabulary

/// Recordings and tools the inspection tests share: a temporary folder, synthetic-camera
/// recordings with injected drops and errors, single-stream recordings written directly with
/// RecordingWriter for formats the synthetic camera does not produce, and the camrec binary.
enum Fixtures {
    /// A fresh folder under the system temporary directory.
    static func temporaryFolder() throws -> String {
        let path = NSTemporaryDirectory() + "camrec-inspect-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// 30 buffers per stream of the synthetic camera (NV12 main, YUYV preview, metadata), a
    /// driver drop every 5 frames and an error buffer every 7.
    static func syntheticRecording(in folder: String, frames: Int = 30, width: UInt32 = 64, height: UInt32 = 48) throws -> String {
        var options = SyntheticCamera.Options()
        options.mainWidth = width
        options.mainHeight = height
        options.previewWidth = 32
        options.previewHeight = 16
        options.unpaced = true
        options.dropEvery = 5
        options.errorEvery = 7
        var recorder = Recorder.Options(outputPath: folder + "/synthetic.camrec")
        recorder.frameLimit = frames
        recorder.workers = 2
        let summary = try Recorder(source: SyntheticCamera(options: options), options: recorder).run()
        return summary.path
    }

    /// A one-stream recording of `frames` (each the bytes of one buffer), written directly.
    static func singleStreamRecording(in folder: String, name: String, fourcc: String, width: UInt32, height: UInt32,
                                      bytesPerLine: UInt32, frames: [[UInt8]]) throws -> String {
        let path = folder + "/\(name).camrec"
        guard let code = PixelFormat(fourcc) else { throw FixtureError("bad fourcc \(fourcc)") }
        let stream = StreamDescription(
            id: 1, name: name, kind: .video,
            format: VideoFormat(bufferType: .videoCapture, pixelFormat: code, width: width, height: height,
                                 planes: [PlaneLayout(bytesPerLine: bytesPerLine, sizeImage: UInt32(frames.first?.count ?? 0))]))
        let info = RecordingInfo(camrecVersion: FormatVersion.camrec, host: "test", commandLine: "test",
                                 startWallNanoseconds: 0, startMonotonicNanoseconds: 0, source: "test",
                                 requestToleranceNanoseconds: 0)
        let writer = try RecordingWriter(path: path, info: info, streams: [stream])
        let encoder = try PlaneEncoder(level: 1)
        for (index, bytes) in frames.enumerated() {
            let plane = PlaneMetadata(bytesUsed: UInt32(bytes.count), length: UInt32(bytes.count))
            let encoded = try bytes.withUnsafeBytes { try encoder.encode($0, metadata: plane, as: .zstd) }
            let metadata = FrameMetadata(status: .ok, sequence: UInt32(index),
                                          timestamp: BufferTimestamp(nanoseconds: 1_000_000_000 + Int64(index) * 33_333_333, clock: .monotonic),
                                          planes: [plane])
            try writer.append(EncodedBuffer(bufferID: Int64(index + 1), requestID: Int64(index + 1), requestJoin: .opened,
                                            streamID: 1, metadata: metadata, planes: [encoded]))
        }
        try writer.close(stopReason: "test")
        return path
    }

    /// The camrec executable built next to this test bundle.
    static func camrecBinary() throws -> URL {
        var candidates: [URL] = []
        let arguments = ProcessInfo.processInfo.arguments
        if let first = arguments.first { candidates.append(URL(fileURLWithPath: first).deletingLastPathComponent()) }
        candidates.append(Bundle.main.bundleURL)
        candidates.append(Bundle.main.bundleURL.deletingLastPathComponent())
        for folder in candidates {
            var directory = folder
            for _ in 0..<4 {
                let binary = directory.appendingPathComponent("camrec")
                var isDirectory: ObjCBool = false
                if FileManager.default.fileExists(atPath: binary.path, isDirectory: &isDirectory), !isDirectory.boolValue {
                    return binary
                }
                directory = directory.deletingLastPathComponent()
            }
        }
        throw FixtureError("camrec binary not found near \(candidates.map(\.path)); build it with `swift build --build-tests`")
    }

    /// What a run of the camrec binary (or another program) printed and how it exited.
    typealias Run = ChildProcess.Result

    static func camrec(_ arguments: [String]) throws -> Run {
        try run(executable: try camrecBinary(), arguments)
    }

    /// Runs `executable` and collects what it printed (posix_spawn: see `ChildProcess`).
    static func run(executable: URL, _ arguments: [String]) throws -> Run {
        try ChildProcess.run([executable.path] + arguments, timeout: 600)
    }

    static func which(_ tool: String) -> URL? {
        for folder in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":") {
            let url = URL(fileURLWithPath: String(folder)).appendingPathComponent(tool)
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        return nil
    }
}

struct FixtureError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
