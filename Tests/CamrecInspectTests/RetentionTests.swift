import CamrecEngine
import CamrecInspect
import CamrecStore
import Foundation
import Testing

/// `record --max-duration` / `--max-size`: the oldest chunks go, whole; the index stays
/// consistent (verify passes) and says what was deleted.
@Suite struct RetentionTests {
    static let second: Int64 = 1_000_000_000

    static func record(to path: String, frames: Int, retention: RetentionPolicy) throws {
        var camera = SyntheticCamera.Options()
        camera.mainWidth = 64
        camera.mainHeight = 48
        camera.previewWidth = 32
        camera.previewHeight = 16
        camera.unpaced = true
        camera.reproducibleTimestamps = true  // 30 fps from 1 s: 240 frames span 8 s.
        var options = Recorder.Options(outputPath: path)
        options.frameLimit = frames
        options.workers = 2
        options.queueCapacity = 1024
        options.chunkSizeLimit = 30_000  // About 0.25 s of buffers per chunk.
        options.retention = retention
        let summary = try Recorder(source: SyntheticCamera(options: camera), options: options).run()
        #expect(summary.recorderDrops == 0)
    }

    @Test("--max-duration 2s over 8 s keeps the last 2 s (up to one chunk more), verifies, and lists what went")
    func maxDurationKeepsTheNewestWindow() throws {
        let folder = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/soak.camrec"
        try Self.record(to: path, frames: 240, retention: RetentionPolicy(maxDurationNanoseconds: 2 * Self.second))

        let reader = try RecordingReader(path: path)
        let main = try reader.buffers(streamID: 1)
        let sequences = main.map { $0.metadata.sequence }
        // The newest buffers, with no hole: the last one recorded and everything back to the first kept.
        #expect(sequences.last == 239)
        #expect(sequences == Array((sequences.first ?? 0)...239))
        let times = main.map { $0.metadata.timestamp.nanoseconds }
        let kept = (times.last ?? 0) - (times.first ?? 0)
        // Chunk-granular: at least the limit, and less than the limit plus the longest chunk that remains.
        let chunkSpan = try reader.index.database.scalar("""
            SELECT MAX(span) FROM (SELECT MAX(b.timestamp_ns) - MIN(b.timestamp_ns) AS span
                                   FROM buffers b JOIN planes p ON p.buffer_id = b.id GROUP BY p.chunk_id)
            """)
        #expect(kept >= 2 * Self.second)
        #expect(kept <= 2 * Self.second + chunkSpan + Self.second / 30)
        #expect(kept < 3 * Self.second)

        // What went: the oldest chunks, each listed with its buffers; together with what stayed, everything.
        let deleted = try DeletedChunk.load(from: reader.index)
        #expect(!deleted.isEmpty)
        #expect(deleted.map(\.chunkID) == Array(1...Int64(deleted.count)))
        let remaining = try reader.index.database.scalar("SELECT COUNT(*) FROM buffers")
        #expect(deleted.reduce(0) { $0 + $1.buffers } + remaining == 3 * 240)
        #expect(deleted.first?.firstTimestampNanoseconds == Self.second)
        #expect((deleted.last?.lastTimestampNanoseconds ?? .max) < (times.first ?? 0))
        #expect(deleted.allSatisfy { $0.reason.contains("--max-duration") })
        for chunk in deleted {
            #expect(!FileManager.default.fileExists(atPath: path + "/chunks/" + chunk.name))
        }
        #expect(try reader.index.database.scalar("SELECT COUNT(*) FROM requests WHERE id NOT IN (SELECT request_id FROM buffers)") == 0)
        #expect(try RecordingVerifier(reader: reader).verify().problems.isEmpty)

        let verify = try Fixtures.camrec(["verify", path])
        #expect(verify.status == 0)
        let info = try Fixtures.camrec(["info", path])
        #expect(info.standardOutput.contains("Retention"))
        #expect(info.standardOutput.contains("deleted  \(deleted.count) oldest chunks"))
    }

    @Test("--max-size keeps the committed chunks within the size")
    func maxSizeKeepsTheNewestChunksWithinTheSize() throws {
        let folder = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/size.camrec"
        try Self.record(to: path, frames: 240, retention: RetentionPolicy(maxBytes: 100_000))
        let reader = try RecordingReader(path: path)
        #expect(try reader.index.database.scalar("SELECT SUM(size_bytes) FROM chunks") <= 100_000)
        #expect(try !DeletedChunk.load(from: reader.index).isEmpty)
        #expect(try reader.buffers(streamID: 1).last?.metadata.sequence == 239)
        #expect(try RecordingVerifier(reader: reader).verify().problems.isEmpty)
    }
}
