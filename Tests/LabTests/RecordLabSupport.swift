import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing
import V4L2

/// The `camrec` executable built next to this test bundle, run as a user would run it.
enum CamrecExecutable {
    static var path: String {
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        // `swift build --build-tests` puts camrec beside <Package>PackageTests.xctest.
        for folder in [bundle, bundle.deletingLastPathComponent()] {
            let file = folder.appendingPathComponent("camrec").path
            if FileManager.default.isExecutableFile(atPath: file) { return file }
        }
        return bundle.appendingPathComponent("camrec").path
    }
}

/// What a finished program printed and how it exited.
struct CommandResult {
    var status: Int32
    var standardOutput: String
    var standardError: String

    /// The non-empty lines of standard error.
    var errorLines: [String] {
        standardError.split(separator: "\n").map(String.init).filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
    }
}

/// A program started in the background with posix_spawnp (Foundation's Process hangs in the lab
/// guest, see `runProgram`), its standard output and error going to files.
final class BackgroundProgram {
    let arguments: [String]
    private(set) var pid: pid_t = 0
    private let outputPath: String
    private let errorPath: String
    private var exitStatus: Int32?

    init(_ arguments: [String]) throws {
        self.arguments = arguments
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("camrec-lab-\(UUID().uuidString)").path
        outputPath = base + ".out"
        errorPath = base + ".err"
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, errorPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        var cArguments: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for argument in cArguments { free(argument) } }
        let spawned = posix_spawnp(&pid, arguments[0], &actions, nil, &cArguments, environ)
        guard spawned == 0 else {
            throw V4L2Error(kind: .system, operation: "posix_spawnp", devicePath: arguments[0], errno: spawned,
                            reason: "could not start \(arguments[0])", remedy: "Build camrec first (swift build --build-tests).")
        }
    }

    var standardOutput: String { (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? "" }
    var standardError: String { (try? String(contentsOfFile: errorPath, encoding: .utf8)) ?? "" }

    /// Waits until the program exits, at most `seconds`; its exit status (128+N for signal N), or
    /// nil when it is still running.
    @discardableResult
    func wait(seconds: Double) -> Int32? {
        if let exitStatus { return exitStatus }
        let deadline = Date().addingTimeInterval(seconds)
        repeat {
            var status: Int32 = 0
            let reaped = waitpid(pid, &status, WNOHANG)
            if reaped == pid {
                // WEXITSTATUS: the exit code sits in bits 8-15 when the child exited normally.
                exitStatus = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
                return exitStatus
            }
            if reaped == -1 && errno != EINTR { return nil }
            usleep(50_000)
        } while Date() < deadline
        return nil
    }

    /// Waits for the program; kills it (SIGKILL, this pid only) when it overruns `seconds`.
    func finish(seconds: Double) -> CommandResult {
        var status = wait(seconds: seconds)
        if status == nil {
            Issue.record("\(arguments.joined(separator: " ")) still ran after \(seconds) s; killed it")
            kill(pid, SIGKILL)
            status = wait(seconds: 10)
        }
        return CommandResult(status: status ?? -1, standardOutput: standardOutput, standardError: standardError)
    }

    deinit {
        if exitStatus == nil, pid > 0 {
            kill(pid, SIGKILL)
            wait(seconds: 10)
        }
        try? FileManager.default.removeItem(atPath: outputPath)
        try? FileManager.default.removeItem(atPath: errorPath)
    }
}

/// Runs camrec with `arguments` and waits for it (two minutes at most).
func camrec(_ arguments: [String]) throws -> CommandResult {
    try BackgroundProgram([CamrecExecutable.path] + arguments).finish(seconds: 120)
}

/// Runs camrec and requires exit status 0.
@discardableResult
func camrecSucceeding(_ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) throws -> CommandResult {
    let result = try camrec(arguments)
    try #require(result.status == 0, "camrec \(arguments.joined(separator: " ")) exited \(result.status): \(result.standardError)",
                 sourceLocation: sourceLocation)
    return result
}

/// A folder of its own in the guest's /tmp (a tmpfs), removed with the value. (Recordings on the
/// 9p-shared work tree work too, with the index in exclusive locking mode: see `NinePFolder`.)
final class ScratchFolder {
    let path: String

    init() throws {
        var template = Array((NSTemporaryDirectory() + "/camrec-record-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else {
            throw V4L2Error(kind: .system, operation: "mkdtemp", devicePath: NSTemporaryDirectory(), errno: errno,
                            reason: "could not create a scratch folder", remedy: "")
        }
        path = String(cString: made)
    }

    func file(_ name: String) -> String { path + "/" + name }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// The parts of `camrec info --json` the lab tests read.
struct RecordingInfoJSON: Decodable {
    struct Plane: Decodable {
        var bytesperline: UInt32
        var sizeimage: UInt32
    }
    struct Format: Decodable {
        var fourcc: String
        var width: UInt32
        var height: UInt32
        var field: UInt32
        var colorspace: UInt32
        var planes: [Plane]
    }
    struct Device: Decodable {
        var path: String
        var driver: String
    }
    struct Gap: Decodable {
        var previousSequence: Int64
        var sequence: Int64
        var missing: Int64
    }
    struct Stream: Decodable {
        var id: Int
        var name: String
        var kind: String
        var format: Format
        var device: Device?
        var buffers: Int64
        var errors: Int64
        var driverDrops: Int64
        var recorderDrops: Int64
        var requestsByRule: [String: Int64]
        var largestGaps: [Gap]
    }
    struct Note: Decodable {
        var kind: String
        var message: String
    }
    var streams: [Stream]
    var requests: Int64
    var requestsByRule: [String: Int64]
    var requestToleranceNs: Int64
    var notes: [Note]

    func stream(at path: String) throws -> Stream {
        try #require(streams.first { $0.device?.path == path }, "no stream recorded from \(path): \(streams.map(\.name))")
    }
}

/// One line of `camrec frames --json`.
struct FrameRowJSON: Decodable {
    var bufferId: Int64
    var stream: String
    var sequence: Int64
    var timestampNs: Int64
    var status: String
    var request: Int64
    var planes: Int
    var bytesused: Int64
}

private func snakeCaseDecoder() -> JSONDecoder {
    let decoder = JSONDecoder()
    decoder.keyDecodingStrategy = .convertFromSnakeCase
    return decoder
}

/// `camrec info --json RECORDING`, decoded; every lab recording is also checked to have no
/// recorder drops (TCG is slow, but these recordings are small enough that the recorder keeps up).
func recordingInfo(_ recording: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> RecordingInfoJSON {
    let info = try recordingInfoWithDrops(recording, sourceLocation: sourceLocation)
    for stream in info.streams {
        #expect(stream.recorderDrops == 0, "stream \(stream.name) has \(stream.recorderDrops) recorder drops",
                sourceLocation: sourceLocation)
    }
    #expect(!info.notes.contains { $0.kind == "recorder_drop" },
            "recorder drop notes: \(info.notes.map(\.message))", sourceLocation: sourceLocation)
    return info
}

/// `camrec info --json RECORDING`, decoded, for recordings made to drop (a slow disk).
func recordingInfoWithDrops(_ recording: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> RecordingInfoJSON {
    let result = try camrecSucceeding(["info", "--json", recording], sourceLocation: sourceLocation)
    return try snakeCaseDecoder().decode(RecordingInfoJSON.self, from: Data(result.standardOutput.utf8))
}

/// `camrec frames --json RECORDING [extra...]`, one row per buffer.
func recordedFrames(_ recording: String, _ extra: [String] = []) throws -> [FrameRowJSON] {
    let result = try camrecSucceeding(["frames", recording, "--json"] + extra)
    let decoder = snakeCaseDecoder()
    return try result.standardOutput.split(separator: "\n").map { try decoder.decode(FrameRowJSON.self, from: Data($0.utf8)) }
}
