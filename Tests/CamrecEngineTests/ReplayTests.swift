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

    @Test("paced replay sends in recorded order and reports its lateness")
    func pacedReplayKeepsOrder() throws {
        let (scratch, reader) = try recording(frames: 6)
        defer { scratch.remove() }
        let sink = CollectingSink()
        var options = Replayer.Options()
        options.rate = 10  // 6 frames at 30 fps take 17 ms at 10x.
        let report = try Replayer(reader: reader, routes: [Replayer.Route(streamID: 2, sink: sink)], options: options).run()
        #expect(sink.frames.map(\.metadata.sequence) == Array(0..<6))
        #expect(report.requestsSent == 6)
        #expect(report.latenessMaxNanoseconds >= report.latenessP99Nanoseconds)
        #expect(report.latenessP99Nanoseconds >= report.latenessP50Nanoseconds)
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
