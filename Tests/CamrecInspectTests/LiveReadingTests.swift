import CamrecEngine
import CamrecInspect
import CamrecStore
import Foundation
import Testing

/// info, frames, sql, export and verify on a recording in progress: each sees one consistent
/// snapshot of what was committed, says the recording is still open, and never holds up the
/// recorder.
@Suite struct LiveReadingTests {
    /// A listed buffer, as `frames --json` prints it.
    struct Listed: Decodable, Equatable {
        var buffer_id: Int64
        var stream: String
        var sequence: Int64
        var timestamp_ns: Int64
    }

    static func listed(_ output: String) throws -> [Listed] {
        try output.split(separator: "\n").map { try JSONDecoder().decode(Listed.self, from: Data($0.utf8)) }
    }

    @Test("readers of a recording in progress see a consistent snapshot, say it is open, and cause no recorder drop")
    func readersSeeTheCommittedSnapshotWhileRecording() throws {
        let folder = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/live.camrec"
        var camera = SyntheticCamera.Options()
        camera.mainWidth = 64
        camera.mainHeight = 48
        camera.previewWidth = 32
        camera.previewHeight = 16
        camera.framesPerSecond = 30  // Live: a recorder held up drops buffers, and counts them.
        var options = Recorder.Options(outputPath: path)
        options.durationSeconds = 4
        options.workers = 2
        options.chunkDurationNanoseconds = 200_000_000
        // On a loaded 2-core CI machine the compression queue can fill from CPU starvation alone (the
        // readers are processes too); what readers must never do is hold up the index: a commit kept
        // waiting would stall the writer and fill the memory budget, and one refused would end the
        // recording with a write error. Both are checked below.
        options.queueCapacity = 1024
        let outcome = RecorderOutcome()
        let (cameraOptions, recorderOptions) = (camera, options)
        let recording = Thread {
            do {
                outcome.set(.success(try Recorder(source: SyntheticCamera(options: cameraOptions), options: recorderOptions).run()))
            } catch {
                outcome.set(.failure(error))
            }
        }
        recording.start()

        // Wait for the first committed chunk, then read while the recorder goes on.
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline, (try? RecordingReader(path: path))?.chunks.isEmpty ?? true {
            Thread.sleep(forTimeInterval: 0.1)
        }
        var seen: [Listed] = []
        for _ in 0..<2 {
            let info = try Fixtures.camrec(["info", path, "--json"])
            #expect(info.status == 0, "\(info.standardError)")
            let overview = try JSONSerialization.jsonObject(with: Data(info.standardOutput.utf8)) as? [String: Any]
            #expect(overview?["recording_open"] as? Bool == true)
            #expect((overview?["recorder_pid"] as? NSNumber)?.int32Value == getpid())
            #expect(info.standardError.contains("still being recorded"))

            let frames = try Fixtures.camrec(["frames", path, "--json"])
            #expect(frames.status == 0, "\(frames.standardError)")
            #expect(frames.standardError.contains("still being recorded"))
            let rows = try Self.listed(frames.standardOutput)
            #expect(!rows.isEmpty)
            // One snapshot: buffer ids in order with no hole (each chunk's rows commit together).
            #expect(rows.map(\.buffer_id) == Array(1...Int64(rows.count)))
            seen = rows

            let text = try Fixtures.camrec(["info", path])
            #expect(text.standardOutput.hasPrefix("Still recording (recorder process \(getpid()))"))
            let sql = try Fixtures.camrec(["sql", path, "SELECT COUNT(*) AS n FROM buffers", "--csv"])
            #expect(sql.status == 0, "\(sql.standardError)")
            let verify = try Fixtures.camrec(["verify", path])
            #expect(verify.status == 0, "\(verify.standardOutput) \(verify.standardError)")
            if let first = rows.first(where: { $0.stream == "main" }) {
                let export = try Fixtures.camrec(["export", path, "--stream", "main", "--sequence", "\(first.sequence)",
                                                  "-o", folder + "/frame.ppm", "--force"])
                #expect(export.status == 0, "\(export.standardError)")
            }
        }
        let summary = try outcome.wait()
        #expect(summary.recorderDrops == 0)
        #expect(summary.stopReason.hasPrefix("duration of"))
        // Tiny frames: the pipeline never held more than a fraction of its budget, so no commit waited long.
        #expect(summary.memoryPeakBytes < summary.memoryBudgetBytes / 4)

        // Everything a reader saw is in the finished recording as it was listed.
        let after = try Self.listed(try Fixtures.camrec(["frames", path, "--json"]).standardOutput)
        #expect(after.count > seen.count)
        #expect(Array(after.prefix(seen.count)) == seen)
        let closed = try Fixtures.camrec(["info", path, "--json"])
        #expect(!closed.standardError.contains("still being recorded"))
        let overview = try JSONSerialization.jsonObject(with: Data(closed.standardOutput.utf8)) as? [String: Any]
        #expect(overview?["recording_open"] as? Bool == false)
    }
}

/// The result of a recorder run on another thread.
final class RecorderOutcome: @unchecked Sendable {
    private let lock = NSCondition()
    private var result: Result<Recorder.Summary, Error>?

    func set(_ value: Result<Recorder.Summary, Error>) {
        lock.lock()
        result = value
        lock.broadcast()
        lock.unlock()
    }

    func wait() throws -> Recorder.Summary {
        lock.lock()
        defer { lock.unlock() }
        while true {
            if let result { return try result.get() }
            lock.wait()
        }
    }
}
