import ArgumentParser
import CamrecInspect
import CamrecStore
import CamrecView
import Dispatch
import Foundation

struct View: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Look at a recording (or two, side by side) in the browser.",
        discussion: """
            Starts a local web server and prints its URL: a timeline with one lane per stream (buffers, \
            driver drops with their counts, recorder drops, error buffers, notes), zoomable from the whole \
            recording down to single buffers, a frame-interval plot per stream, and a frame view (RGB as \
            `export` converts it, Y/U/V planes in grey, pixel values under the cursor, metadata, hex of \
            metadata buffers; arrow keys step frames). With REC2 the frames are paired as `camrec diff` \
            pairs them, shown side by side with a difference heatmap and the PSNR along the timeline.

            The page and its script are served from the binary (no network). The server binds 127.0.0.1 \
            unless --listen says otherwise, and serves only the recordings given, addressed by index. The \
            JSON API under the page (/api/recordings, /api/r/0/buffers?stream=S&from=T0&to=T1, \
            /api/r/0/frame/S/SEQ.png, /api/diff...) is for scripts too; see the README. Ctrl-C stops it.

            Examples:
              camrec view demo.camrec
              camrec view reference.camrec candidate.camrec --port 8080
              camrec view demo.camrec --listen 0.0.0.0 --port 8080
            """)

    @Argument(help: "The recording folder (NAME.camrec).")
    var recording: String

    @Argument(help: "A second recording to compare with the first.")
    var second: String?

    @Option(help: "The TCP port (\(Self.portLimit.text); 0 picks a free one).")
    var port: Int = 0

    @Option(help: ArgumentHelp("The address to listen on; 127.0.0.1 (this machine only) unless given.", valueName: "ADDR"))
    var listen: String = "127.0.0.1"

    static let portLimit = NumberLimit(option: "--port", range: 0...65535, unit: "")

    func validate() throws {
        try Self.portLimit.check(port)
        guard !listen.isEmpty else { throw ValidationError("--listen needs an address, e.g. 127.0.0.1 or 0.0.0.0.") }
    }

    func run() throws {
        var recordings: [ViewedRecording] = []
        for path in [recording] + (second.map { [$0] } ?? []) {
            let reader = try RecordingReader(path: path)
            let overview = try OverviewFormatting.json(try RecordingOverview(reader: reader),
                                                       controls: try RecordedControls.load(from: reader.index))
            recordings.append(try ViewedRecording(path: path, overviewJSON: overview))
        }
        let server = ViewerServer(recordings: recordings, host: listen, port: port)
        let host = listen.contains(":") ? "[\(listen)]" : listen
        let outcome = ServerOutcome()
        // The root command is synchronous: the server runs as a task and this thread waits for it.
        Task {
            do {
                try await server.run { boundPort in
                    // Unbuffered, so a script reading the URL from a pipe gets it at once.
                    FileHandle.standardOutput.write(Data("camrec view: http://\(host):\(boundPort)/ (Ctrl-C stops)\n".utf8))
                }
                outcome.finish(nil)
            } catch {
                outcome.finish(error)
            }
        }
        if let error = outcome.wait() {
            throw CommandFailure("the viewer could not listen on \(host):\(port): \(error). Give --listen an address "
                                 + "of this machine (127.0.0.1, ::1, 0.0.0.0 for every interface) and a --port nothing else "
                                 + "uses, or --port 0 for a free one.")
        }
    }
}

/// How the server task ended, handed to the waiting command thread.
private final class ServerOutcome: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var error: (any Error)?

    func finish(_ error: (any Error)?) {
        lock.withLock { self.error = error }
        done.signal()
    }

    func wait() -> (any Error)? {
        done.wait()
        return lock.withLock { error }
    }
}
