import CamrecEngine
import CamrecStore
import Foundation
import Testing

/// A sink that keeps what it was sent.
final class CollectingSink: FrameSink {
    let sinkDescription = "collector"
    var prepared: [StreamDescription] = []
    var frames: [ReplayFrame] = []
    var finished = false

    func prepare(stream: StreamDescription) throws { prepared.append(stream) }
    func send(_ frame: ReplayFrame) throws { frames.append(frame) }
    func finish() throws { finished = true }
}

@Suite("Replay")
struct ReplayTests {
    private func recording(frames: Int, errorEvery: Int? = nil) throws -> (ScratchFolder, RecordingReader) {
        let scratch = try ScratchFolder()
        let path = scratch.path + "/replay.camrec"
        _ = try Recorder(source: SyntheticCamera(options: Fixtures.cameraOptions(dropEvery: nil, errorEvery: errorEvery)),
                         options: Fixtures.recorderOptions(path: path, frames: frames)).run()
        return (scratch, try RecordingReader(path: path))
    }

    @Test("replay sends every recorded buffer with its recorded bytes, bytesused, timestamp and sequence")
    func replaySendsRecordedMetadataAndBytes() throws {
        let (scratch, reader) = try recording(frames: 8)
        defer { scratch.remove() }
        let main = CollectingSink()
        let meta = CollectingSink()
        var options = Replayer.Options()
        options.asFastAsPossible = true
        let report = try Replayer(reader: reader, routes: [Replayer.Route(streamID: 1, sink: main),
                                                           Replayer.Route(streamID: 3, sink: meta)],
                                  options: options).run()
        #expect(report.framesSent == 16)
        #expect(report.requestsSent == 8)
        #expect(main.prepared.map(\.name) == ["main"])
        #expect(main.finished && meta.finished)
        let recorded = try reader.buffers(streamID: 1)
        #expect(main.frames.map(\.metadata) == recorded.map(\.metadata))
        for (frame, buffer) in zip(main.frames, recorded) {
            #expect(frame.planes == (try buffer.planes.map { try reader.readPlane($0) }))
            #expect(frame.planes.map { UInt32($0.count) } == buffer.metadata.planes.map(\.bytesUsed))
        }
        #expect(meta.frames.map(\.metadata.sequence) == Array(0..<8))
    }

    /// A clock that jumps to each deadline it is asked to wait for (plus `oversleep`), and keeps
    /// the deadlines and when each frame went out.
    final class SteppingClock: ReplayClock, @unchecked Sendable {
        // @unchecked: the replayer uses it from its one thread.
        var time: Int64 = 5_000_000_000
        var oversleep: Int64 = 0
        var deadlines: [Int64] = []

        func now() -> Int64 { time }

        func sleep(until deadline: Int64, stop: StopRequest) -> Bool {
            deadlines.append(deadline)
            time = max(time, deadline) + oversleep
            return false
        }
    }

    /// A sink that notes the clock's time at each send.
    final class TimingSink: FrameSink {
        let sinkDescription = "timing"
        let clock: SteppingClock
        var sentAt: [Int64] = []
        init(clock: SteppingClock) { self.clock = clock }
        func prepare(stream: StreamDescription) throws {}
        func send(_ frame: ReplayFrame) throws { sentAt.append(clock.now()) }
        func finish() throws {}
    }

    @Test("paced replay waits for each request's recorded time, scaled by the rate, from one start (no drift)")
    func pacingFollowsRecordedTimestampsExactly() throws {
        let (scratch, reader) = try recording(frames: 6)
        defer { scratch.remove() }
        let clock = SteppingClock()
        let sink = TimingSink(clock: clock)
        var options = Replayer.Options()
        options.rate = 2
        options.loops = 2
        options.clock = clock
        let started = clock.time
        let report = try Replayer(reader: reader, routes: [Replayer.Route(streamID: 2, sink: sink)], options: options).run()
        let recorded = try reader.buffers(streamID: 2).map(\.metadata.timestamp.nanoseconds)
        let first = try #require(recorded.first)
        let span = try #require(recorded.last) - first
        // The second loop starts one mean interval after the first loop's last frame.
        let loopLength = span + span / Int64(recorded.count - 1)
        let offsets = recorded.map { $0 - first } + recorded.map { $0 - first + loopLength }
        let expected = offsets.map { started + options.leadNanoseconds + Int64(Double($0) / 2) }
        #expect(clock.deadlines == expected)
        #expect(sink.sentAt == expected, "each request goes out when its deadline is reached, not before")
        #expect(report.latenessMaxNanoseconds == 0)
        #expect(abs((report.targetRate ?? 0) - 60) < 0.5, "30 fps recorded, at twice the rate")
    }

    @Test("lateness is measured against each deadline")
    func latenessIsWhatTheClockOverslept() throws {
        let (scratch, reader) = try recording(frames: 6)
        defer { scratch.remove() }
        let clock = SteppingClock()
        clock.oversleep = 3_000_000
        var options = Replayer.Options()
        options.clock = clock
        let report = try Replayer(reader: reader, routes: [Replayer.Route(streamID: 2, sink: CollectingSink())], options: options).run()
        #expect(report.latenessP50Nanoseconds == 3_000_000)
        #expect(report.latenessP99Nanoseconds == 3_000_000)
        #expect(report.latenessMaxNanoseconds == 3_000_000)
    }

    @Test("paced replay sends in recorded order in real time")
    func pacedReplayKeepsOrder() throws {
        let (scratch, reader) = try recording(frames: 6)
        defer { scratch.remove() }
        let sink = CollectingSink()
        var options = Replayer.Options()
        options.rate = 10  // 6 frames at 30 fps take 17 ms at 10x.
        let report = try Replayer(reader: reader, routes: [Replayer.Route(streamID: 2, sink: sink)], options: options).run()
        #expect(sink.frames.map(\.metadata.sequence) == Array(0..<6))
        #expect(report.requestsSent == 6)
        #expect(abs((report.targetRate ?? 0) - 300) < 1)
    }

    @Test("--from and --until select by sequence and by time")
    func rangesSelectBySequenceAndTime() throws {
        let (scratch, reader) = try recording(frames: 10)
        defer { scratch.remove() }
        var options = Replayer.Options()
        options.asFastAsPossible = true
        options.from = ReplayBound("3")
        options.until = ReplayBound("6")
        let bySequence = CollectingSink()
        _ = try Replayer(reader: reader, routes: [Replayer.Route(streamID: 1, sink: bySequence)], options: options).run()
        #expect(bySequence.frames.map(\.metadata.sequence) == [3, 4, 5, 6])

        options.from = ReplayBound("90ms")  // 30 fps: sequence 3 is at 99.99 ms.
        options.until = ReplayBound("0.2s")
        let byTime = CollectingSink()
        _ = try Replayer(reader: reader, routes: [Replayer.Route(streamID: 1, sink: byTime)], options: options).run()
        #expect(byTime.frames.map(\.metadata.sequence) == [3, 4, 5, 6])
        #expect(ReplayBound("abc") == nil)
        #expect(ReplayBound("-1s") == nil)
    }

    @Test("loops repeat the selection with timestamps that keep increasing")
    func loopsShiftTimestamps() throws {
        let (scratch, reader) = try recording(frames: 4)
        defer { scratch.remove() }
        var options = Replayer.Options()
        options.asFastAsPossible = true
        options.loops = 3
        let sink = CollectingSink()
        let report = try Replayer(reader: reader, routes: [Replayer.Route(streamID: 1, sink: sink)], options: options).run()
        #expect(report.loopsCompleted == 3)
        #expect(sink.frames.map(\.metadata.sequence) == [0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3])
        let timestamps = sink.frames.map(\.metadata.timestamp.nanoseconds)
        #expect(zip(timestamps, timestamps.dropFirst()).allSatisfy { $0 < $1 })
        let recorded = try reader.buffers(streamID: 1).map(\.metadata.timestamp.nanoseconds)
        #expect(Array(timestamps.prefix(4)) == recorded)
    }

    @Test("error buffers are skipped and counted by default, sent when asked")
    func errorBuffersSkippedOrSent() throws {
        let (scratch, reader) = try recording(frames: 9, errorEvery: 4)
        defer { scratch.remove() }
        var options = Replayer.Options()
        options.asFastAsPossible = true
        let skipping = CollectingSink()
        let report = try Replayer(reader: reader, routes: [Replayer.Route(streamID: 1, sink: skipping)], options: options).run()
        #expect(report.errorsSkipped == 2)
        #expect(skipping.frames.map(\.metadata.sequence) == [0, 1, 2, 3, 5, 6, 7])
        options.errors = .send
        let sending = CollectingSink()
        _ = try Replayer(reader: reader, routes: [Replayer.Route(streamID: 1, sink: sending)], options: options).run()
        #expect(sending.frames.count == 9)
        #expect(sending.frames.filter { $0.metadata.status == .error }.map(\.metadata.sequence) == [4, 8])
    }
}
