import CamrecEngine
import CamrecStore
import Foundation
import Testing

/// A stop request belongs to one run: it ends that run's pacing wait at once and no other.
@Suite("Stop request")
struct StopRequestTests {
    @Test("a stop ends the sleeping replayer at once; a second replay with its own request plays on")
    func stopIsPerRun() throws {
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        let path = scratch.path + "/stop.camrec"
        _ = try Recorder(source: SyntheticCamera(options: Fixtures.cameraOptions(dropEvery: nil, errorEvery: nil)),
                         options: Fixtures.recorderOptions(path: path, frames: 3)).run()
        let reader = try RecordingReader(path: path)

        let stopped = StopRequest()
        var slow = Replayer.Options()
        slow.rate = 0.001  // 33 s between buffers
        slow.stop = stopped
        let stopAt = MonotonicClock.nanoseconds() + 300_000_000
        let stopper = Thread {
            stopped.sleep(untilMonotonicNanoseconds: stopAt)
            stopped.request()
        }
        stopper.start()
        let report = try Replayer(reader: reader, routes: [Replayer.Route(streamID: 1, sink: CollectingSink())],
                                  options: slow).run()
        let afterStop = Double(MonotonicClock.nanoseconds() - stopAt) / 1e9
        #expect(report.stoppedBySignal)
        #expect(report.requestsSent == 1)
        // 100 ms, times CAMREC_TEST_TIME_SCALE under a sanitizer (tools/sanitize), which slows everything.
        let bound = 0.1 * (ProcessInfo.processInfo.environment["CAMREC_TEST_TIME_SCALE"].flatMap(Double.init) ?? 1)
        #expect(afterStop < bound, "the replay ended \(afterStop) s after the stop request")

        // Another run in the same process is not stopped by the first one's request.
        var other = Replayer.Options()
        other.rate = 10
        let sink = CollectingSink()
        let second = try Replayer(reader: reader, routes: [Replayer.Route(streamID: 1, sink: sink)], options: other).run()
        #expect(!second.stoppedBySignal)
        #expect(sink.frames.count == 3)
    }

    @Test("sleep returns at its deadline when nobody asks to stop")
    func sleepReachesDeadline() {
        let request = StopRequest()
        let deadline = MonotonicClock.nanoseconds() + 20_000_000
        #expect(!request.sleep(untilMonotonicNanoseconds: deadline))
        #expect(MonotonicClock.nanoseconds() >= deadline)
    }
}
