import Foundation

/// Runs a program for a test and collects what it printed, with posix_spawn rather than
/// Foundation's Process: Process.run() on Linux (swift-corelibs-foundation up to Swift 6.3.1)
/// over-reads a dirent while listing /proc/self/fd and crashes in memcpy about one suite run in
/// five (https://github.com/swiftlang/swift-corelibs-foundation/pull/5472), and it is not safe to
/// call from several threads at once (Swift Testing runs suites in parallel).
public enum ChildProcess {
    public struct Result: Sendable {
        /// The exit status, or the signal number when `killedBySignal`.
        public var status: Int32
        public var standardOutput: String
        public var standardError: String
        /// True when a signal ended the process (a trap is SIGILL or SIGTRAP, an abort SIGABRT).
        public var killedBySignal: Bool
    }

    public struct SpawnError: Error, CustomStringConvertible {
        public let description: String
    }

    /// Runs `command` (the program's path, then its arguments) in `directory`. With
    /// `interruptAfter`, sends SIGINT (Ctrl-C) after that many seconds, for commands that run until
    /// stopped; after `timeout` seconds it is killed, which the result shows as `killedBySignal`.
    public static func run(_ command: [String], in directory: String? = nil, interruptAfter: Double? = nil,
                           timeout: Double = 120) throws -> Result {
        var output: [Int32] = [-1, -1]
        var error: [Int32] = [-1, -1]
        guard pipe(&output) == 0 else { throw SpawnError(description: "pipe failed: errno \(errno)") }
        guard pipe(&error) == 0 else {
            close(output[0])
            close(output[1])
            throw SpawnError(description: "pipe failed: errno \(errno)")
        }
        // Close-on-exec (Glibc's Swift module has no pipe2), so children that other threads spawn
        // later cannot hold the write ends open; dup2 clears it on the child's stdout and stderr.
        for descriptor in output + error { _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC) }
        let running: RunningProcess
        do {
            running = try spawn(command, in: directory, standardOutput: output[1], standardError: error[1])
        } catch let failure {
            for descriptor in output + error { close(descriptor) }
            throw failure
        }
        close(output[1])
        close(error[1])
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
        return Result(status: status.code, standardOutput: String(decoding: collected[0], as: UTF8.self),
                      standardError: String(decoding: collected[1], as: UTF8.self), killedBySignal: status.signalled)
    }

    /// Starts `command` in the background with its output discarded; signal and reap it yourself.
    public static func start(_ command: [String]) throws -> RunningProcess {
        let null = open("/dev/null", O_WRONLY | O_CLOEXEC)
        guard null >= 0 else { throw SpawnError(description: "cannot open /dev/null: errno \(errno)") }
        defer { close(null) }
        return try spawn(command, in: nil, standardOutput: null, standardError: null)
    }

    private static func spawn(_ command: [String], in directory: String?, standardOutput: Int32,
                              standardError: Int32) throws -> RunningProcess {
        // coreutils' env changes the directory (posix_spawn_file_actions_addchdir_np is not in Swift's Glibc).
        let command = directory.map { ["/usr/bin/env", "-C", $0] + command } ?? command
        guard let program = command.first else { throw SpawnError(description: "no program to run") }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, standardOutput, STDOUT_FILENO)
        posix_spawn_file_actions_adddup2(&actions, standardError, STDERR_FILENO)
        let argv: [UnsafeMutablePointer<CChar>?] = command.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, program, &actions, nil, argv, environ)
        guard spawned == 0 else { throw SpawnError(description: "cannot run \(program): errno \(spawned)") }
        return RunningProcess(pid)
    }
}

/// A started process that timers may signal until it has been reaped (never after: its pid may be reused).
public final class RunningProcess: @unchecked Sendable {
    private let lock = NSLock()
    public let pid: pid_t
    private var reaped = false

    init(_ pid: pid_t) {
        self.pid = pid
    }

    public func signal(_ number: Int32) {
        lock.lock()
        defer { lock.unlock() }
        if !reaped { kill(pid, number) }
    }

    /// Waits for the process to exit and reaps it: its exit code, or the signal's number when
    /// `signalled`. Signals are refused from the moment it is reaped.
    public func reap() -> (code: Int32, signalled: Bool) {
        var status: Int32 = 0
        // Polled without blocking, so a timer's SIGKILL can still reach a child that hangs.
        while true {
            lock.lock()
            let result = waitpid(pid, &status, WNOHANG)
            if result == pid || (result < 0 && errno != EINTR) {
                reaped = true
                lock.unlock()
                let signalled = status & 0x7f != 0
                return (signalled ? status & 0x7f : (status >> 8) & 0xff, signalled)
            }
            lock.unlock()
            usleep(1000)
        }
    }
}
