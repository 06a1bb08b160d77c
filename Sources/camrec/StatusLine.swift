import CamrecEngine
import Foundation

/// The one-line live status on a terminal: buffers, rate, MB/s in and out, ratio, drops (the
/// driver's, and the recorder's with why the last one happened), and the memory the pipeline holds.
final class StatusLine {
    private let enabled: Bool
    private let started = Date()
    private var previous: (time: Date, buffers: Int64, raw: Int64, stored: Int64)?
    private var shown = false

    init(enabled: Bool) {
        self.enabled = enabled
    }

    func show(_ progress: Recorder.Progress) {
        guard enabled else { return }
        let now = Date()
        let last = previous ?? (started, 0, 0, 0)
        let seconds = max(0.001, now.timeIntervalSince(last.time))
        let fps = Double(progress.buffers - last.buffers) / seconds
        let inRate = Double(progress.rawBytes - last.raw) / seconds / 1e6
        let outRate = Double(progress.storedBytes - last.stored) / seconds / 1e6
        let ratio = progress.storedBytes > 0 ? Double(progress.rawBytes) / Double(progress.storedBytes) : 0
        previous = (now, progress.buffers, progress.rawBytes, progress.storedBytes)
        var line = String(format: "\r%8lld buffers  %6.1f buf/s  in %7.1f MB/s  out %7.1f MB/s  ratio %5.2f  memory %.0f/%.0f MiB  drops: driver %lld, recorder %lld",
                          progress.buffers, fps, inRate, outRate, ratio, Double(progress.memoryHeldBytes) / 1_048_576,
                          Double(progress.memoryLimitBytes) / 1_048_576, progress.driverDrops, progress.recorderDrops)
        if progress.recorderDrops > 0, let reason = progress.lastDropReason {
            // The stage that was full, in its shortest form ("storage too slow: 3.10 MB/s needed, 0.25 MB/s achieved").
            let short = reason.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
                .first { $0.hasPrefix("storage") || $0.hasPrefix("compression") } ?? reason
            line += " (\(short))"
        }
        if let ring = progress.ring {
            // A ring recording counts the buffers it saved into the recording, not those that passed through the ring.
            if let range = line.range(of: " buffers ") { line.replaceSubrange(range, with: " saved   ") }
            line += String(format: "  ring %.0f%% (%.1f s, %.1f MB)", ring.fill * 100, ring.heldSeconds, Double(ring.heldBytes) / 1e6)
            line += ring.saving ? " saving" : ""
            line += "  events \(ring.events)"
            if ring.ignoredTriggers > 0 { line += " (+\(ring.ignoredTriggers) ignored)" }
            if let last = ring.lastTrigger { line += "  last: " + String(last.prefix(60)) }
        }
        line += "\u{1B}[K"  // Clears what a longer previous line left.
        writeStandardError(line)
        shown = true
    }

    func finish() {
        if shown { writeStandardError("\n") }
        shown = false
    }
}
