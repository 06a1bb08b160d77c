import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// "export: 1234/5000 buffers (24%)" on stderr, redrawn in place, only when stderr is a terminal
/// and the work is long enough to need it; scripts and logs never see it.
final class ProgressLine {
    private let label: String
    private let enabled: Bool
    private var lastDraw = Date.distantPast
    private var shown = false

    init(label: String) {
        self.label = label
        enabled = isatty(STDERR_FILENO) == 1
    }

    func update(done: Int, total: Int) {
        guard enabled else { return }
        let now = Date()
        guard done == total || now.timeIntervalSince(lastDraw) >= 0.1 else { return }
        lastDraw = now
        let percent = total > 0 ? done * 100 / total : 100
        writeStandardError("\r\(label): \(done)/\(total) (\(percent)%) ")
        shown = true
    }

    func finish() {
        if shown { writeStandardError("\n") }
        shown = false
    }
}
