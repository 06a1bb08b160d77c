import CamrecEngine
import CamrecStore
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

    /// What a run of the camrec binary printed and how it exited.
    struct Run {
        var status: Int32
        var standardOutput: String
        var standardError: String
    }

    static func camrec(_ arguments: [String]) throws -> Run {
        try run(executable: try camrecBinary(), arguments)
    }

    /// Runs `executable` and collects what it printed. Spawned with posix_spawn rather than
    /// Foundation's Process: Process.run() is not safe to call from several threads at once (Swift
    /// Testing runs suites in parallel, and CamrecCLITests' launch lock does not cover this target),
    /// and crashed in its memcpy when these tests launched Python and camrec beside them.
    static func run(executable: URL, _ arguments: [String]) throws -> Run {
        var output: [Int32] = [-1, -1]
        var error: [Int32] = [-1, -1]
        guard pipe(&output) == 0 else { throw FixtureError("pipe failed: errno \(errno)") }
        guard pipe(&error) == 0 else {
            close(output[0])
            close(output[1])
            throw FixtureError("pipe failed: errno \(errno)")
        }
        // Close-on-exec (Glibc's Swift module has no pipe2), so children that other threads spawn
        // later cannot hold the write ends open.
        for descriptor in output + error { _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        // dup2 clears close-on-exec on the child's stdout and stderr.
        posix_spawn_file_actions_adddup2(&actions, output[1], STDOUT_FILENO)
        posix_spawn_file_actions_adddup2(&actions, error[1], STDERR_FILENO)
        let argv: [UnsafeMutablePointer<CChar>?] = ([executable.path] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable.path, &actions, nil, argv, environ)
        close(output[1])
        close(error[1])
        guard spawned == 0 else {
            close(output[0])
            close(error[0])
            throw FixtureError("cannot run \(executable.path): errno \(spawned)")
        }
        // Read both pipes as data comes, so neither can fill up and block the child.
        var collected: [[UInt8]] = [[], []]
        var descriptors = [pollfd(fd: output[0], events: Int16(POLLIN), revents: 0),
                           pollfd(fd: error[0], events: Int16(POLLIN), revents: 0)]
        var chunk = [UInt8](repeating: 0, count: 65536)
        while descriptors.contains(where: { $0.fd >= 0 }) {
            guard poll(&descriptors, nfds_t(descriptors.count), -1) >= 0 else {
                if errno == EINTR { continue }
                break
            }
            for index in descriptors.indices where descriptors[index].fd >= 0 && descriptors[index].revents != 0 {
                let count = chunk.withUnsafeMutableBytes { read(descriptors[index].fd, $0.baseAddress, $0.count) }
                if count > 0 {
                    collected[index] += chunk[0..<count]
                } else if count == 0 || errno != EINTR {
                    close(descriptors[index].fd)
                    descriptors[index].fd = -1
                }
            }
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        // Exited: its code; killed: the signal's number (as Process.terminationStatus reports it).
        let exitStatus = status & 0x7f == 0 ? (status >> 8) & 0xff : status & 0x7f
        return Run(status: exitStatus, standardOutput: String(decoding: collected[0], as: UTF8.self),
                   standardError: String(decoding: collected[1], as: UTF8.self))
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
