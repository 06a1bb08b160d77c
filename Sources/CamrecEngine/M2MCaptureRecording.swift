import CamrecStore
import Foundation
import Synchronization

/// Records an `M2MCaptureSource` on a thread of its own while a replay feeds the device's output
/// side on the caller's thread (`camrec replay --capture-to`). A stateful decoder's capture side
/// is set up first, once the decoder announced its format. `finish` waits for the recorder to
/// write what the device produced (until the device's own end: the LAST buffer of a drain, or a
/// 1:1 node's last capture buffer) and returns its summary.
public final class M2MCaptureRecording: Sendable {
    private let session: M2MSession
    private let done = DispatchSemaphore(value: 0)
    private let outcome = Mutex<Result<Recorder.Summary, RecorderRunError>?>(nil)

    /// Starts recording `source` into `options.outputPath` (the recorder streams the capture
    /// queue on). `configured` is called on the recording's thread with the capture format
    /// chosen and why, once it is known; the sentences also become notes of the recording.
    public init(source: M2MCaptureSource, session: M2MSession, options: Recorder.Options,
                configured: @escaping @Sendable ([String]) -> Void = { _ in }) {
        self.session = session
        let sourceBox = UncheckedBox(source)
        let thread = Thread { [self] in
            defer { done.signal() }
            do {
                let source = sourceBox.value
                guard try source.awaitConfiguration() else {
                    let reason = source.endReason ?? "the capture side was never set up"
                    outcome.withLock { $0 = .failure(RecorderRunError(description: reason)) }
                    return
                }
                configured(source.formatChoices)
                var options = options
                options.startNotes += source.formatChoices
                let summary = try Recorder(source: source, options: options).run()
                outcome.withLock { $0 = .success(summary) }
            } catch {
                session.endCapture("\(error)")
                outcome.withLock { $0 = .failure(RecorderRunError(description: "\(error)")) }
            }
        }
        thread.name = "camrec-capture-to"
        thread.start()
    }

    /// Says the replay is over (or `failure` says why it stopped), waits until the recording is
    /// closed and returns its summary.
    public func finish(failure: String? = nil) throws(RecorderRunError) -> Recorder.Summary {
        session.finishOutput(failure: failure)
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
