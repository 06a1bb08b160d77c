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
    ///
    /// Spawned with posix_spawn, not Foundation's Process: Process.run() on Linux (swift-corelibs-
    /// foundation up to Swift 6.3.1) over-reads a dirent while listing /proc/self/fd and crashes in
    /// memcpy about one suite run in five (https://github.com/swiftlang/swift-corelibs-foundation/pull/5472).
    static func run(_ arguments: [String], in directory: String? = nil, interruptAfter: Double? = nil,
                    timeout: Double = 120) throws -> Result {
        // coreutils' env changes the directory (posix_spawn_file_actions_addchdir_np is not in Swift's Glibc).
        let command = directory.map { ["/usr/bin/env", "-C", $0, path] } ?? [path]
        var output: [Int32] = [-1, -1]
        var error: [Int32] = [-1, -1]
        guard pipe(&output) == 0 else { throw CocoaError(.fileWriteUnknown) }
        guard pipe(&error) == 0 else {
            close(output[0])
            close(output[1])
            throw CocoaError(.fileWriteUnknown)
        }
        // Close-on-exec, so children other tests spawn later cannot hold the write ends open.
        for descriptor in output + error { _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, output[1], STDOUT_FILENO)
        posix_spawn_file_actions_adddup2(&actions, error[1], STDERR_FILENO)
        let argv: [UnsafeMutablePointer<CChar>?] = (command + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, command[0], &actions, nil, argv, environ)
        close(output[1])
        close(error[1])
        guard spawned == 0 else {
            close(output[0])
            close(error[0])
            throw CocoaError(.executableLoad, userInfo: [NSDebugDescriptionErrorKey: "posix_spawn \(command[0]): errno \(spawned)"])
        }
        let running = RunningProcess(pid)
        if let interruptAfter {
            DispatchQueue.global().asyncAfter(deadline: .now() + interruptAfter) { running.signal(SIGINT) }
        }
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout) { running.signal(SIGKILL) }
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
        let status = running.reap()
        // Exited: its code; killed: the signal's number.
        let signalled = status & 0x7f != 0
        return Result(status: signalled ? status & 0x7f : (status >> 8) & 0xff,
                      standardOutput: String(decoding: collected[0], as: UTF8.self),
                      standardError: String(decoding: collected[1], as: UTF8.self), killedBySignal: signalled)
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

/// A started process that timers may signal until it has been reaped (never after: its pid may be reused).
final class RunningProcess: @unchecked Sendable {
    private let lock = NSLock()
    private let pid: pid_t
    private var reaped = false

    init(_ pid: pid_t) {
        self.pid = pid
    }

    func signal(_ number: Int32) {
        lock.lock()
        defer { lock.unlock() }
        if !reaped { kill(pid, number) }
    }

    /// Waits for the process to exit and reaps it; returns waitpid's status. Signals are refused
    /// from the moment it is reaped.
    func reap() -> Int32 {
        var status: Int32 = 0
        // Polled without blocking, so a timer's SIGKILL can still reach a child that hangs.
        while true {
            lock.lock()
            let result = waitpid(pid, &status, WNOHANG)
            if result == pid || (result < 0 && errno != EINTR) {
                reaped = true
                lock.unlock()
                return status
            }
            lock.unlock()
            usleep(1000)
        }
    }
}
