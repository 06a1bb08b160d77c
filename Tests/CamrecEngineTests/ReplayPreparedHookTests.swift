import CamrecEngine
import CamrecStore
import Testing

/// A sink that logs the order of the replayer's calls.
private final class OrderSink: FrameSink {
    let sinkDescription = "order"
    var log: [String] = []
    var failPrepare = false

    func prepare(stream: StreamDescription) throws {
        log.append("prepare")
        if failPrepare { throw CancellationError() }
    }

    func send(_ frame: ReplayFrame) throws { log.append("send") }
    func finish() throws { log.append("finish") }
}

@Suite("Replay prepared hook")
struct ReplayPreparedHookTests {
    /// `camrec replay --capture-to` starts recording an M2M capture side in this hook: after every
    /// sink accepted its format, before the first buffer goes out, and never when a sink refused.
    @Test func hookRunsAfterEveryPrepareAndBeforeTheFirstSend() throws {
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        let path = scratch.path + "/hook.camrec"
        _ = try Recorder(source: SyntheticCamera(options: Fixtures.cameraOptions(dropEvery: nil, errorEvery: nil)),
                         options: Fixtures.recorderOptions(path: path, frames: 3)).run()
        let reader = try RecordingReader(path: path)
        let main = OrderSink()
        let meta = OrderSink()
        var options = Replayer.Options()
        options.asFastAsPossible = true
        var hookSaw: [String] = []
        _ = try Replayer(reader: reader, routes: [.init(streamID: 1, sink: main), .init(streamID: 3, sink: meta)], options: options)
            .run { hookSaw = main.log + meta.log }
        #expect(hookSaw == ["prepare", "prepare"])
        #expect(main.log == ["prepare", "send", "send", "send", "finish"])

        let refusing = OrderSink()
        refusing.failPrepare = true
        var hookRan = false
        #expect(throws: CancellationError.self) {
            _ = try Replayer(reader: reader, routes: [.init(streamID: 1, sink: refusing)], options: options).run { hookRan = true }
        }
        #expect(!hookRan)
        #expect(refusing.log == ["prepare"])
    }
}
