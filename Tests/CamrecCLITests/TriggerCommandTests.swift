import CamrecStore
import CamrecTestSupport
import Foundation
import Testing

/// `camrec trigger REC` and SIGUSR1 fire a ring recording's triggers from another shell; ring
/// options are refused without --ring, with what to do.
@Suite("Triggering a ring recording")
struct TriggerCommandTests {
    @Test("camrec trigger and kill -USR1 each save the ring as an event that names its source")
    func triggerCommandAndSignalBecomeEvents() throws {
        let folder = try CamrecBinary.scratch()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/ring.camrec"
        let process = try ChildProcess.start([CamrecBinary.path, "record", "--synthetic", "-o", path, "--synthetic-size",
                                              "64x48", "--duration", "6", "--ring", "1s", "--post", "300ms"])
        var reaped = false
        defer { if !reaped { process.signal(SIGKILL); _ = process.reap() } }
        for _ in 0..<200 where RecorderLock.activeRecorder(of: path) == nil { usleep(50_000) }
        try #require(RecorderLock.activeRecorder(of: path) == process.pid)
        usleep(1_500_000)

        let trigger = try CamrecBinary.run(["trigger", path])
        #expect(trigger.status == 0, "\(trigger.standardError)")
        #expect(trigger.standardOutput.contains("process \(process.pid)"))
        usleep(1_500_000)
        process.signal(SIGUSR1)
        let exit = process.reap()
        reaped = true
        #expect(exit.code == 0 && !exit.signalled)

        let reader = try RecordingReader(path: path)
        let events = try RecordedEvents.load(from: reader.index).events
        #expect(events.map(\.trigger) == [.command, .signal])
        #expect(events.first?.detail.contains("camrec trigger") == true)
        #expect(events.last?.detail.contains("SIGUSR1") == true)
        #expect(try reader.buffers().count > 0)
        // Closed: no recorder to signal any more.
        let late = try CamrecBinary.run(["trigger", path])
        #expect(late.status == 1)
        #expect(late.standardError.contains("not being recorded"))
    }

    @Test("ring options without --ring, and unknown conditions, are refused with what to write")
    func ringOptionsAreChecked() throws {
        let folder = try CamrecBinary.scratch()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let post = try CamrecBinary.run(["record", "--synthetic", "-o", folder + "/a.camrec", "--post", "2s"])
        #expect(post.status == 64)
        #expect(post.standardError.contains("go with --ring"))
        let condition = try CamrecBinary.run(["record", "--synthetic", "-o", folder + "/b.camrec", "--ring", "2s",
                                              "--trigger-on", "sometimes"])
        #expect(condition.status == 64)
        #expect(condition.standardError.contains("--trigger-on"))
        let ring = try CamrecBinary.run(["record", "--synthetic", "-o", folder + "/c.camrec", "--ring", "1e30s"])
        #expect(ring.status == 64)
        let size = try CamrecBinary.run(["record", "--synthetic", "-o", folder + "/d.camrec", "--max-size", "1MiB"])
        #expect(size.status == 64)
        #expect(size.standardError.contains("twice --chunk-size"))
    }
}
