import ArgumentParser
import CamrecStore

struct Recover: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Rebuild a recording's index from its chunks alone.",
        discussion: """
            For a recording whose recorder was killed, or whose index.sqlite is lost or damaged. Every \
            complete plane is checked (zstd frame and checksum) and indexed again; whatever is damaged \
            is named by chunk, offset, stream and sequence. The previous index is kept as \
            index.sqlite.before-recover-TIME. Exits 0 when nothing was lost, 1 when something was.

            Example:
              camrec recover crashed.camrec
            """)

    @Argument(help: "The recording folder.")
    var recording: String

    func run() throws {
        let report = try Recovery.recover(path: recording)
        print("recovered \(report.buffers) buffers and \(report.notes) notes from \(report.chunks) chunks of \(recording)")
        if let previous = report.previousIndex { print("the previous index is kept as \(previous)") }
        if report.losses.isEmpty {
            print("nothing was lost")
        } else {
            print("lost \(report.losses.count):")
            for loss in report.losses { print("  \(loss)") }
            throw ExitCode(1)
        }
    }
}
