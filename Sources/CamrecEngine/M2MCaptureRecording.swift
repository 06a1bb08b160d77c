import CamrecStore
import Foundation
import Synchronization

/// Records an `M2MCaptureSource` on a thread of its own while a replay feeds the device's output
/// side on the caller's thread (`camrec replay --capture-to`). `finish` tells the source the
/// replay is over, waits for the recorder to write what the device produced, and returns its summary.
public final class M2MCaptureRecording: Sendable {
    private let source: M2MCaptureSource
    private let done = DispatchSemaphore(value: 0)
    private let outcome = Mutex<Result<Recorder.Summary, RecorderRunError>?>(nil)

    /// Starts recording `source` into `options.outputPath` (the recorder streams the capture queue on).
    public init(source: M2MCaptureSource, options: Recorder.Options) {
        self.source = source
        let recorder = UncheckedBox(Recorder(source: source, options: options))
        let thread = Thread { [self] in
            defer { done.signal() }
            do {
                let summary = try recorder.value.run()
                outcome.withLock { $0 = .success(summary) }
            } catch {
                outcome.withLock { $0 = .failure(RecorderRunError(description: "\(error)")) }
            }
        }
        thread.name = "camrec-capture-to"
        thread.start()
    }

    /// Says the replay sent `outputBuffers` buffers (and the device returned them, or `failure`
    /// says what went wrong), waits until the recording is closed and returns its summary.
    public func finish(outputBuffers: Int, failure: String? = nil) throws(RecorderRunError) -> Recorder.Summary {
        source.outputFinished(outputBuffers: outputBuffers, failure: failure)
        done.wait()
        switch outcome.withLock({ $0 }) {
        case .success(let summary)?: return summary
        case .failure(let error)?: throw error
        case nil: throw RecorderRunError(description: "the capture recorder ended without a result")
        }
    }
}

/// Why recording the capture side of a replay failed: the recorder's own error, as text.
public struct RecorderRunError: Error, Sendable, CustomStringConvertible {
    public var description: String
}
