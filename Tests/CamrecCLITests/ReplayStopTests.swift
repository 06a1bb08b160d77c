import Foundation
import Testing

/// Ctrl-C ends a replay at once, even in the middle of a long pacing wait, and the replay still
/// prints its report.
@Suite("Stopping a replay")
struct ReplayStopTests {
    /// What a spawned camrec did after it was sent SIGINT.
    struct Interrupted {
        var status: Int32
        var standardOutput: String
        /// From kill(2) to waitpid(2) returning.
        var secondsToExit: Double
        /// User plus system CPU time of the whole run.
        var cpuSeconds: Double
    }

    /// Starts camrec with stdout into a file, sends SIGINT after `interruptAfter` seconds and
    /// times how long it takes to exit (posix_spawn and wait4 directly: Foundation's Process
    /// notices an exit only on its own schedule).
    private func runAndInterrupt(_ arguments: [String], after interruptAfter: Double, in folder: String) throws -> Interrupted {
        let outputPath = folder + "/stdout.txt"
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let argv = ([CamrecBinary.path] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, CamrecBinary.path, &actions, nil, argv, environ)
        guard spawned == 0 else { throw POSIXError(POSIXErrorCode(rawValue: spawned) ?? .EINVAL) }
        usleep(useconds_t(interruptAfter * 1e6))
        let sent = DispatchTime.now().uptimeNanoseconds
        kill(pid, SIGINT)
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
        let exited = DispatchTime.now().uptimeNanoseconds
        let cpu = Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
            + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
        let exitStatus = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return Interrupted(status: exitStatus,
                           standardOutput: (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? "",
                           secondsToExit: Double(exited - sent) / 1e9, cpuSeconds: cpu)
    }

    @Test("SIGINT during a long pacing wait (--rate 0.001) exits within 100 ms with the report, without spinning")
    func interruptedPacingWaitExitsAtOnce() throws {
        let folder = try CamrecBinary.scratch()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let recording = folder + "/short.camrec"
        let made = try CamrecBinary.run(["record", "-o", recording, "--synthetic", "--synthetic-unpaced",
                                         "--synthetic-size", "32x32", "--frames", "3", "--workers", "1"])
        #expect(made.status == 0, "\(made.standardError)")

        // 30 fps recorded, played 1000 times slower: the second buffer is 33 s after the first.
        let result = try runAndInterrupt(["replay", recording, "--stream", "main", "--to", "null", "--rate", "0.001"],
                                         after: 2, in: folder)
        #expect(result.status == 0)
        // 100 ms, times CAMREC_TEST_TIME_SCALE under a sanitizer (tools/sanitize), which slows everything.
        let bound = 0.1 * (ProcessInfo.processInfo.environment["CAMREC_TEST_TIME_SCALE"].flatMap(Double.init) ?? 1)
        #expect(result.secondsToExit < bound, "exited \(result.secondsToExit) s after SIGINT")
        #expect(result.standardOutput.contains("sent 1 buffers in 1 requests"), "\(result.standardOutput)")
        #expect(result.standardOutput.contains("stopped by signal"), "\(result.standardOutput)")
        // Waiting is sleeping: a spin to the deadline would have used the 2 s of CPU.
        #expect(result.cpuSeconds < 1, "used \(result.cpuSeconds) s of CPU")
    }
}
