import Foundation
import Synchronization
import V4L2

/// What the two sides of one memory-to-memory node share during a replay: the replay thread
/// feeds the output queue (`V4L2OutputSink`), the capture recorder's thread drains the capture
/// queue (`M2MCaptureSource`), both on the node's one file handle (an M2M context belongs to one
/// open file). The session knows the node's interface, counts what went in and what came out,
/// and lets each side wait for the other: lockstep replay waits for the capture side, the
/// capture side learns when the replay is over.
public final class M2MSession: @unchecked Sendable {
    // @unchecked: `device` is shared by design (see above); every mutable value is in `state`.

    /// The node (both queues).
    public let device: VideoDevice
    /// Decided once when the target opened.
    public let interface: MemoryToMemoryInterface
    /// The replay's stop request: both sides stop waiting for each other when it is made.
    public let stop: StopRequest

    private let state = Mutex(State())

    private struct State {
        var queued = 0
        var produced = 0
        var outputFinished = false
        var outputFailure: String?
        var captureEnded: String?
    }

    /// Opens the session over an M2M node; nil for nodes that are not M2M.
    public init?(device: VideoDevice, stop: StopRequest) throws(V4L2Error) {
        guard let interface = try device.memoryToMemoryInterface() else { return nil }
        self.device = device
        self.interface = interface
        self.stop = stop
    }

    /// The output side queued one more buffer.
    func noteQueued() { state.withLock { $0.queued += 1 } }

    /// The capture side dequeued one buffer that carries a frame.
    func noteProduced() { state.withLock { $0.produced += 1 } }

    /// The output side is done: every buffer was queued and (for codecs) the drain command
    /// sent, or `failure` says why not.
    public func finishOutput(failure: String? = nil) {
        state.withLock {
            $0.outputFinished = true
            if $0.outputFailure == nil { $0.outputFailure = failure }
        }
    }

    /// The capture side ended, for `reason`.
    func endCapture(_ reason: String) {
        state.withLock { if $0.captureEnded == nil { $0.captureEnded = reason } }
    }

    /// Output buffers queued so far.
    public var queued: Int { state.withLock { $0.queued } }
    /// Capture buffers with a frame dequeued so far.
    public var produced: Int { state.withLock { $0.produced } }
    var outputFinished: Bool { state.withLock { $0.outputFinished } }
    var outputFailure: String? { state.withLock { $0.outputFailure } }
    var captureEnded: String? { state.withLock { $0.captureEnded } }

    /// Lockstep: waits until the capture side produced a buffer for every output buffer queued
    /// so far. Returns false when it never will (the capture side ended, or a stop was requested).
    func waitForCapture() -> Bool {
        while true {
            let (done, ended) = state.withLock { ($0.produced >= $0.queued, $0.captureEnded != nil) }
            if done { return true }
            if ended || stop.isRequested { return false }
            usleep(500)
        }
    }
}
