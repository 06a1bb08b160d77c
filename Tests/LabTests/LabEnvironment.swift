import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing
import V4L2

/// Where the lab tests run: inside the qemu lab (`tools/v4l2-lab run`), which has vivid, vim2m and
/// vimc loaded and sets CAMREC_LAB=1 (or CAMREC_LAB_GUEST=1). On any other machine they are disabled.
enum LabEnvironment {
    static var isAvailable: Bool {
        let environment = ProcessInfo.processInfo.environment
        return environment["CAMREC_LAB"] == "1" || environment["CAMREC_LAB_GUEST"] == "1"
    }

    /// Tests that leave a driver unusable (vivid's `disconnect`) run only in a lab boot of their own.
    static var allowsDestructiveTests: Bool {
        isAvailable && ProcessInfo.processInfo.environment["CAMREC_LAB_DESTRUCTIVE"] == "1"
    }
}

/// The lab's nodes, found by driver, name and capabilities (never by number: load order decides those).
enum LabNodes {
    /// vivid instance 0: single-planar video capture.
    static func vividCapture() throws -> String {
        try DeviceDiscovery.findNode(driver: "vivid", capabilities: .videoCapture).path
    }

    /// vivid instance 1 (`multiplanar=2`): multi-planar video capture.
    static func vividMultiplanarCapture() throws -> String {
        try DeviceDiscovery.findNode(driver: "vivid", capabilities: .videoCaptureMultiplanar).path
    }

    /// A vivid video output node.
    static func vividOutput() throws -> String {
        try DeviceDiscovery.findNode(driver: "vivid", capabilities: .videoOutput).path
    }

    /// The metadata capture node of the same vivid instance as `vividCapture`.
    static func vividMetadataCapture() throws -> String {
        let video = try DeviceDiscovery.findNode(driver: "vivid", capabilities: .videoCapture)
        let prefix = (video.name ?? "vivid-000-vid-cap").replacingOccurrences(of: "-vid-cap", with: "")
        return try DeviceDiscovery.findNode(driver: "vivid", name: "\(prefix)-meta-cap", capabilities: .metaCapture).path
    }

    static func vim2m() throws -> String {
        try DeviceDiscovery.findNode(driver: "vim2m", capabilities: .videoMemoryToMemory).path
    }

    static func vimc(_ name: String) throws -> String {
        try DeviceDiscovery.findNode(driver: "vimc", name: name).path
    }
}

/// The capture configurations the parameterized tests run: vivid's single-planar instance with
/// YUYV and its multi-planar instance with NM12 (two memory planes), both at 320x180, a size
/// vivid's webcam input offers (it adjusts any other).
struct CaptureCase: CustomTestStringConvertible, Sendable {
    var label: String
    var fourcc: String
    var width: UInt32 = 320
    var height: UInt32 = 180
    var expectedPlanes: Int
    var multiplanar: Bool

    var testDescription: String { label }

    func nodePath() throws -> String {
        multiplanar ? try LabNodes.vividMultiplanarCapture() : try LabNodes.vividCapture()
    }

    static let all = [
        CaptureCase(label: "single-planar YUYV", fourcc: "YUYV", expectedPlanes: 1, multiplanar: false),
        CaptureCase(label: "multi-planar NM12", fourcc: "NM12", expectedPlanes: 2, multiplanar: true),
    ]
}

/// Runs a program and returns its exit status and output.
struct ProgramResult {
    var status: Int32
    var output: String
}

/// Runs a program (found on PATH) with posix_spawn, its output captured in a temporary file.
/// Foundation's Process is not used: in the lab guest its run-loop wakeup socket could not be
/// created and waitUntilExit hung.
func runProgram(_ arguments: [String]) throws -> ProgramResult {
    let outputPath = FileManager.default.temporaryDirectory.appendingPathComponent("camrec-lab-\(UUID().uuidString).out").path
    defer { try? FileManager.default.removeItem(atPath: outputPath) }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    posix_spawn_file_actions_adddup2(&actions, 1, 2)
    var cArguments: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
    defer { for argument in cArguments { free(argument) } }
    var pid: pid_t = 0
    let spawned = posix_spawnp(&pid, arguments[0], &actions, nil, &cArguments, environ)
    guard spawned == 0 else {
        throw V4L2Error(kind: .system, operation: "posix_spawnp", devicePath: arguments[0], errno: spawned,
                        reason: "could not start \(arguments[0])", remedy: "Install it in the lab image.")
    }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
    let output = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
    // WEXITSTATUS: the exit code sits in bits 8-15 when the child exited normally.
    let exitCode = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    return ProgramResult(status: exitCode, output: output)
}

/// vivid draws text (time, counters) over its test pattern unless told not to; with
/// osd_text_mode=2 every frame of an unmoving pattern is the same, so captures can be compared.
func makeVividDeterministic(_ path: String) throws {
    let device = try VideoDevice(path: path)
    try device.setControl("osd_text_mode", to: 2)
}
