import ArgumentParser
import CamrecInspect
import CamrecStore

struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check a recording: every plane's checksum, the index against the chunks, missing and extra chunks.",
        discussion: """
            Reads and decodes every plane. Each problem is printed on its own line with the chunk, the \
            offset, the stream and the sequence. Exits 0 when the recording is intact, 1 when anything \
            is wrong; `camrec recover` rebuilds an index from the chunks that remain.

            Example:
              camrec verify demo.camrec
            """)

    @Argument(help: "The recording folder.")
    var recording: String

    func run() throws {
        let reader = try RecordingReader(path: recording)
        noteIfStillRecording(reader)
        let progress = ProgressLine(label: "verify: chunks")
        let report = try RecordingVerifier(reader: reader).verify(progress: progress.update)
        progress.finish()
        if report.problems.isEmpty {
            print("\(recording): OK, \(report.planes) planes in \(report.chunks) chunks verified")
            return
        }
        print("\(recording): \(report.problems.count) problems in \(report.planes) planes of \(report.chunks) chunks")
        for problem in report.problems { print("  \(problem)") }
        throw ExitCode(1)
    }
}
