import Foundation

/// Runs the `camrec` executable built next to this test bundle, as a user would.
enum CamrecBinary {
    static var path: String {
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        // `swift test` runs .build/<config>/<Package>PackageTests.xctest; camrec sits beside it.
        for candidate in [bundle, bundle.deletingLastPathComponent()] {
            let file = candidate.appendingPathComponent("camrec").path
            if FileManager.default.isExecutableFile(atPath: file) { return file }
        }
        return bundle.appendingPathComponent("camrec").path
    }

    struct Result {
        /// The exit status, or the signal number when `killedBySignal`.
        var status: Int32
        var standardOutput: String
        var standardError: String
        /// True when a signal ended the process (a trap is SIGILL or SIGTRAP, an abort SIGABRT).
        var killedBySignal = false
    }

    /// Runs camrec with `arguments`. With `interruptAfter`, sends SIGINT (Ctrl-C) after that many
    /// seconds, for commands that run until stopped; after `timeout` seconds it is killed, which
    /// the result shows as `killedBySignal`.
    static func run(_ arguments: [String], in directory: String? = nil, interruptAfter: Double? = nil,
                    timeout: Double = 120) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let output = Pipe()
        let error = Pipe()
        process.standardOutput = output
        process.standardError = error
        // Foundation's Process.run() is not safe to call from several threads at once (Swift
        // Testing runs suites in parallel): a crash in its memcpy was seen; one launch at a time.
        try launchLock.withLock { try process.run() }
        let running = RunningProcess(process)
        if let interruptAfter {
            DispatchQueue.global().asyncAfter(deadline: .now() + interruptAfter) { running.signal(SIGINT) }
        }
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout) { running.signal(SIGKILL) }
        // Read both pipes concurrently so neither can fill up and block the child.
        let errorData = LockedData()
        let reader = Thread { errorData.set(error.fileHandleForReading.readDataToEndOfFile()) }
        reader.start()
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        running.exited()
        while !errorData.isSet { usleep(1000) }
        return Result(status: process.terminationStatus, standardOutput: String(decoding: outputData, as: UTF8.self),
                      standardError: String(decoding: errorData.value, as: UTF8.self),
                      killedBySignal: process.terminationReason == .uncaughtSignal)
    }

    /// Serialises `Process.run()` across this target's tests.
    static let launchLock = NSLock()

    static func scratch() throws -> String {
        let template = NSTemporaryDirectory() + "/camrec-cli-XXXXXX"
        var bytes = Array(template.utf8CString)
        guard let made = mkdtemp(&bytes) else { throw CocoaError(.fileWriteUnknown) }
        return String(cString: made)
    }
}

/// A started process that timers may signal until it has exited (never after: its pid may be reused).
final class RunningProcess: @unchecked Sendable {
    private let lock = NSLock()
    private let process: Process
    private var done = false

    init(_ process: Process) {
        self.process = process
    }

    func signal(_ number: Int32) {
        lock.lock()
        defer { lock.unlock() }
        if !done && process.isRunning { kill(process.processIdentifier, number) }
    }

    func exited() {
        lock.lock()
        done = true
        lock.unlock()
    }
}

final class LockedData: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()
    private var done = false

    func set(_ value: Data) {
        lock.lock()
        data = value
        done = true
        lock.unlock()
    }

    var isSet: Bool {
        lock.lock()
        defer { lock.unlock() }
        return done
    }

    var value: Data {
        lock.lock()
        defer { lock.unlock() }
        return data
    }
}
