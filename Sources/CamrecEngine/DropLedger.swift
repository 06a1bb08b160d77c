import Synchronization

/// Buffers the capture stage dropped, waiting for the write stage to record each as a
/// recorder-drop note (one note per buffer: `recorder_drops` counts them). Drops do not travel
/// through the pipeline they were dropped from: the capture stage adds them here, the writer
/// takes them on its next turn. Consecutive drops of one stream for one reason share a run, so a
/// drop costs four bytes (its sequence) until then.
final class DropLedger: Sendable {
    /// Drops of one stream for one reason, in capture order.
    struct Run: Sendable {
        var streamID: Int
        var reason: String
        var sequences: [UInt32]
    }

    private let runs = Mutex<[Run]>([])

    func add(streamID: Int, sequence: UInt32, reason: String) {
        runs.withLock { runs in
            if let last = runs.indices.last, runs[last].streamID == streamID, runs[last].reason == reason {
                runs[last].sequences.append(sequence)
            } else {
                runs.append(Run(streamID: streamID, reason: reason, sequences: [sequence]))
            }
        }
    }

    /// Everything added since the last call.
    func take() -> [Run] {
        runs.withLock { runs in
            defer { runs.removeAll() }
            return runs
        }
    }
}
