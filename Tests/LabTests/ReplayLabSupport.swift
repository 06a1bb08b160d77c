import CamrecStore
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing
import V4L2

/// The `camrec` executable built next to this test bundle, run as a user would.
enum CamrecTool {
    static var path: String {
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for candidate in [bundle, bundle.deletingLastPathComponent()] {
            let file = candidate.appendingPathComponent("camrec").path
            if FileManager.default.isExecutableFile(atPath: file) { return file }
        }
        return bundle.appendingPathComponent("camrec").path
    }

    static func run(_ arguments: [String]) throws -> ProgramResult {
        try runProgram([path] + arguments)
    }
}

/// A program started with posix_spawnp that the test keeps working beside (Foundation's Process
/// hangs in the lab guest); its output goes to a temporary file.
final class SpawnedProgram {
    private let pid: pid_t
    private let outputPath: String
    private var finished: ProgramResult?

    init(_ arguments: [String]) throws {
        outputPath = FileManager.default.temporaryDirectory.appendingPathComponent("camrec-lab-\(UUID().uuidString).out").path
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var cArguments: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for argument in cArguments { free(argument) } }
        var child: pid_t = 0
        let spawned = posix_spawnp(&child, arguments[0], &actions, nil, &cArguments, environ)
        guard spawned == 0 else {
            throw V4L2Error(kind: .system, operation: "posix_spawnp", devicePath: arguments[0], errno: spawned,
                            reason: "could not start \(arguments[0])", remedy: "Build camrec first.")
        }
        pid = child
    }

    deinit {
        if finished == nil {
            kill(pid, SIGKILL)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
        }
        try? FileManager.default.removeItem(atPath: outputPath)
    }

    /// The result once the program exited (without waiting), else nil.
    func poll() -> ProgramResult? {
        if let finished { return finished }
        var status: Int32 = 0
        guard waitpid(pid, &status, WNOHANG) == pid else { return nil }
        return record(status)
    }

    /// Waits for the program to exit.
    func wait() -> ProgramResult {
        if let finished { return finished }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        return record(status)
    }

    private func record(_ status: Int32) -> ProgramResult {
        let output = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        // WEXITSTATUS: the exit code sits in bits 8-15 when the child exited normally.
        let code = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        let result = ProgramResult(status: code, output: output)
        finished = result
        return result
    }
}

/// One buffer of a test recording: the stream it belongs to, its metadata and its plane bytes.
struct TestBuffer {
    var streamID: Int
    var sequence: UInt32
    var timestampNanoseconds: Int64
    var field: UInt32 = 1
    var planes: [[UInt8]]
}

/// Writes recordings for replay tests with the store's own writer: each inner array of
/// `requests` is one request (buffers of several streams that belong together).
enum TestRecording {
    static func write(path: String, streams: [StreamDescription], requests: [[TestBuffer]],
                      sourceRecording: String? = nil) throws {
        let info = RecordingInfo(camrecVersion: FormatVersion.camrec, host: "lab", commandLine: "LabTests",
                                 startWallNanoseconds: 0, startMonotonicNanoseconds: 0, source: "LabTests",
                                 sourceRecording: sourceRecording, requestToleranceNanoseconds: 0)
        let writer = try RecordingWriter(path: path, info: info, streams: streams)
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
                let metadata = BufferMetadata(
                    status: .ok, sequence: buffer.sequence,
                    timestamp: Timestamp(nanoseconds: buffer.timestampNanoseconds, clock: .monotonic),
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
                            field: UInt32 = 1, colorspace: UInt32 = 8, planes: [PlaneFormat], multiplanar: Bool = false)
        -> StreamDescription {
        StreamDescription(id: id, name: name, kind: .video,
                          format: StreamFormat(bufferType: multiplanar ? 9 : 1, fourcc: FourCC(fourcc) ?? FourCC(rawValue: 0),
                                               width: width, height: height, field: field, colorspace: colorspace,
                                               planes: planes))
    }

    /// A deterministic, per-frame distinct byte pattern (no two frames of a test share one).
    static func pattern(frame: Int, plane: Int, count: Int) -> [UInt8] {
        (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ $0 / 641 &+ frame &* 37 &+ plane &* 101) }
    }
}

/// A scratch folder inside the guest's /tmp, removed by `remove()`.
struct LabScratch {
    let path: String

    init() throws {
        var template = Array((NSTemporaryDirectory() + "/camrec-replay-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else { throw CocoaError(.fileWriteUnknown) }
        path = String(cString: made)
    }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}
