import CamrecEngine
import CamrecStore
import Foundation
import Testing

/// Marks the main-stream buffers of chosen frames as error buffers (V4L2_BUF_FLAG_ERROR), as a
/// driver reports a corrupt frame: where triggers fire is then known exactly.
final class ErrorMarkingSource: FrameSource, @unchecked Sendable {
    private let inner: any FrameSource
    private let errorSequences: Set<UInt32>

    init(_ inner: any FrameSource, errorSequences: Set<UInt32>) {
        self.inner = inner
        self.errorSequences = errorSequences
    }

    var streams: [StreamDescription] { inner.streams }
    var sourceDescription: String { inner.sourceDescription }
    var endReason: String? { inner.endReason }
    var isLive: Bool { inner.isLive }
    func start() throws { try inner.start() }
    func stop() { inner.stop() }

    func nextBuffers(timeoutMilliseconds: Int32) throws -> [CapturedBuffer]? {
        guard var buffers = try inner.nextBuffers(timeoutMilliseconds: timeoutMilliseconds) else { return nil }
        for index in buffers.indices where buffers[index].streamID == 1
            && errorSequences.contains(buffers[index].metadata.sequence) {
            buffers[index].metadata.status = .error
            buffers[index].metadata.flags.insert(.error)
        }
        return buffers
    }
}

@Suite("Ring recording")
struct RingRecordingTests {
    static let second: Int64 = 1_000_000_000

    /// Records `frames` frames of the synthetic camera (30 fps timestamps from 1 s, unpaced) in
    /// ring mode (ring 2 s, post 1 s, --trigger-on error-buffer) and checks the recording holds
    /// exactly the buffers whose timestamps lie within 2 s before to 1 s after an error buffer,
    /// each bit for bit, and an event per error.
    func checkWindows(frames: Int, errorEvery: Int?, errorSequences: Set<UInt32>, expectedWindows: Int) throws {
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        let path = scratch.path + "/ring.camrec"
        var camera = Fixtures.cameraOptions(dropEvery: nil, errorEvery: errorEvery)
        camera.reproducibleTimestamps = true
        let source = TappedSource(ErrorMarkingSource(SyntheticCamera(options: camera), errorSequences: errorSequences))
        var options = Fixtures.recorderOptions(path: path, frames: frames, chunkSize: 200_000)
        options.ring = RingOptions(capacity: .duration(nanoseconds: 2 * Self.second), postNanoseconds: Self.second,
                                   conditions: [.errorBuffer])
        let summary = try Recorder(source: source, options: options).run()
        #expect(summary.recorderDrops == 0)

        var perStream: [Int: Int] = [:]
        let delivered = source.everything.filter { buffer in
            perStream[buffer.streamID, default: 0] += 1
            return perStream[buffer.streamID, default: 0] <= frames
        }
        let errorTimes = delivered.filter { $0.metadata.status == .error }.map { $0.metadata.timestamp.nanoseconds }
        #expect(errorTimes.count >= 3)
        let expected = delivered.filter { buffer in
            let time = buffer.metadata.timestamp.nanoseconds
            return errorTimes.contains { time >= $0 - 2 * Self.second && time <= $0 + Self.second }
        }
        #expect(expected.count < delivered.count)

        let reader = try RecordingReader(path: path)
        let recorded = try reader.buffers()
        #expect(recorded.count == expected.count)
        for (want, got) in zip(expected, recorded) {
            #expect(got.streamID == want.streamID)
            #expect(got.metadata == want.metadata, "stream \(want.streamID) sequence \(want.metadata.sequence)")
            #expect(try got.planes.map { try reader.readPlane($0) } == want.planes)
        }

        let events = try RecordedEvents.load(from: reader.index)
        #expect(events.events.map(\.timestampNanoseconds) == errorTimes)
        #expect(events.events.allSatisfy { $0.trigger == .errorBuffer && $0.streamID == 1 })
        #expect(events.events.map(\.windowStartNanoseconds) == errorTimes.map { $0 - 2 * Self.second })
        #expect(events.events.map(\.windowEndNanoseconds) == errorTimes.map { $0 + Self.second })
        #expect(events.mergedWindows.count == expectedWindows)
        // The cut between two windows is no driver drop.
        #expect(try StreamStatistics.load(from: reader.index).allSatisfy { $0.driverDrops == 0 })
        // The ring's spool and the recorder's lock are gone once it closed.
        #expect(!FileManager.default.fileExists(atPath: path + "/ring"))
        #expect(!FileManager.default.fileExists(atPath: path + "/" + RecorderLock.fileName))
        #expect(reader.activeRecorder == nil)

        // The events are in the chunks too: recover rebuilds them with the buffers.
        try FileManager.default.removeItem(atPath: path + "/index.sqlite")
        let report = try Recovery.recover(path: path)
        #expect(report.losses.isEmpty)
        #expect(report.buffers == expected.count)
        let rebuilt = try RecordingReader(path: path)
        #expect(try RecordedEvents.load(from: rebuilt.index) == events)
        #expect(try StreamStatistics.load(from: rebuilt.index).allSatisfy { $0.driverDrops == 0 })
    }

    @Test("error buffers every 150 frames over 60 s: the recording holds exactly each window, buffer by buffer")
    func ringKeepsExactlyTheWindowsAroundErrorBuffers() throws {
        // Errors at 5 s intervals: eleven separate windows of 3 s.
        try checkWindows(frames: 1800, errorEvery: 150, errorSequences: [], expectedWindows: 11)
    }

    @Test("windows that overlap merge: every buffer between them is kept once")
    func overlappingWindowsMerge() throws {
        // 100 and 130 (1 s apart) merge; 400 alone; 700 and 760 (2 s apart) merge; 1000 alone.
        try checkWindows(frames: 1100, errorEvery: nil, errorSequences: [100, 130, 400, 700, 760, 1000], expectedWindows: 4)
    }

    @Test("--max-events and the cool-down ignore triggers beyond them, and a note counts them")
    func limitsIgnoreTriggers() throws {
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        let path = scratch.path + "/limits.camrec"
        var camera = Fixtures.cameraOptions(dropEvery: nil, errorEvery: 30)
        camera.reproducibleTimestamps = true
        var options = Fixtures.recorderOptions(path: path, frames: 600)
        options.ring = RingOptions(capacity: .duration(nanoseconds: Self.second), postNanoseconds: Self.second / 2,
                                   conditions: [.errorBuffer], maxEvents: 3, cooldownNanoseconds: 3 * Self.second)
        _ = try Recorder(source: SyntheticCamera(options: camera), options: options).run()
        let reader = try RecordingReader(path: path)
        let events = try RecordedEvents.load(from: reader.index).events
        // Errors every second (30 frames): one event per 3 s cool-down, three at most.
        #expect(events.map(\.sequence) == [30, 120, 210])
        let note = try reader.index.database.prepare("SELECT message FROM notes WHERE message LIKE 'Ring recording:%'")
        #expect(try note.step())
        #expect(note.text(0).contains("after --max-events 3"))
        #expect(note.text(0).contains("within the cool-down"))
    }

    @Test("a trigger from outside saves the ring at the newest buffer's time")
    func externalTriggerSavesTheRing() throws {
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        let path = scratch.path + "/external.camrec"
        var camera = Fixtures.cameraOptions(dropEvery: nil, errorEvery: nil)
        camera.reproducibleTimestamps = true
        camera.unpaced = false
        camera.framesPerSecond = 30
        var options = Fixtures.recorderOptions(path: path, frames: 1000)
        options.frameLimit = nil
        options.durationSeconds = 3
        options.ring = RingOptions(capacity: .duration(nanoseconds: Self.second / 2), postNanoseconds: Self.second * 3 / 10)
        let triggers = TriggerRequest()
        options.triggers = triggers
        let fire = Thread {
            Thread.sleep(forTimeInterval: 1.5)
            triggers.request(fromCommand: true, senderProcessID: 4242)
        }
        fire.start()
        _ = try Recorder(source: SyntheticCamera(options: camera), options: options).run()
        let reader = try RecordingReader(path: path)
        let events = try RecordedEvents.load(from: reader.index).events
        #expect(events.count == 1)
        guard let event = events.first else { return }
        #expect(event.trigger == .command)
        #expect(event.detail.contains("4242"))
        let times = try reader.buffers().map { $0.metadata.timestamp.nanoseconds }
        #expect(times.min() ?? 0 >= event.windowStartNanoseconds)
        #expect(times.max() ?? .max <= event.windowEndNanoseconds)
        // The ring was full (0.5 s) and the post window (0.3 s) followed; a loaded machine may skip frames
        // at either end, so the span is checked with a frame or two to spare.
        #expect((times.max() ?? 0) - (times.min() ?? 0) >= Self.second * 6 / 10)
    }
}
