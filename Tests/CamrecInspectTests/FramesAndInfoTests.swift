import CamrecInspect
import CamrecStore
import Foundation
import Testing

/// `frames` filters and `info` figures on a recording with drops, errors and three streams.
@Suite struct FramesAndInfoTests {
    @Test func framesFiltersCombine() throws {
        let folder = try Fixtures.temporaryFolder()
        let reader = try RecordingReader(path: try Fixtures.syntheticRecording(in: folder))
        let errors = try FrameQuery.run(FrameFilter(streamID: 1, status: .error), on: reader)
        #expect(!errors.isEmpty && errors.allSatisfy { $0.status == .error && $0.stream == "main" && $0.sequence % 7 == 0 })
        let range = try FrameQuery.run(FrameFilter(streamID: 2, sequences: 3...12), on: reader)
        #expect(range.allSatisfy { (3...12).contains($0.sequence) } && range.count == 8)  // 5 and 10 were dropped
        let afterGap = try FrameQuery.run(FrameFilter(streamID: 1, afterGap: true), on: reader)
        #expect(afterGap.map(\.sequence) == [6, 11, 16, 21, 26, 31, 36])
        #expect(afterGap.allSatisfy { $0.missingBefore == 1 })
        let limited = try FrameQuery.run(FrameFilter(limit: 4), on: reader)
        #expect(limited.count == 4)
        let first = try #require(try FrameQuery.firstTimestamp(of: reader))
        let window = try FrameQuery.run(FrameFilter(streamID: 3, timestamps: first...(first + 100_000_000)), on: reader)
        #expect(window.map(\.sequence) == [0, 1, 2, 3])
    }

    @Test func framesCommandPrintsTableJsonAndCsv() throws {
        let folder = try Fixtures.temporaryFolder()
        let path = try Fixtures.syntheticRecording(in: folder)
        let table = try Fixtures.camrec(["frames", path, "--stream", "main", "--status", "error"])
        #expect(table.status == 0)
        #expect(table.standardOutput.split(separator: "\n").count == 5)  // header + errors at 7, 14, 21, 28
        let csv = try Fixtures.camrec(["frames", path, "--sequence", "0..2", "--csv"])
        #expect(csv.standardOutput.hasPrefix("buffer_id,stream,sequence,timestamp_ns,status"))
        #expect(csv.standardOutput.split(separator: "\n").count == 1 + 9)
        let json = try Fixtures.camrec(["frames", path, "--after-gap", "--stream", "preview", "--json", "--limit", "2"])
        let rows = json.standardOutput.split(separator: "\n")
        #expect(rows.count == 2)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(rows[0].utf8)) as? [String: Any])
        #expect(object["sequence"] as? Int == 6 && object["missing_before"] as? Int == 1)
        let time = try Fixtures.camrec(["frames", path, "--time", "0..0.05", "--stream", "meta", "--csv"])
        #expect(time.standardOutput.split(separator: "\n").count == 1 + 2)
        let bad = try Fixtures.camrec(["frames", path, "--status", "broken"])
        #expect(bad.status != 0 && bad.standardError.contains("ok, error or cancelled"))
    }

    @Test func infoReportsDropsErrorsGapsAndKeepsTheJsonContract() throws {
        let folder = try Fixtures.temporaryFolder()
        let path = try Fixtures.syntheticRecording(in: folder)
        let overview = try RecordingOverview(reader: RecordingReader(path: path))
        let main = try #require(overview.streams.first { $0.description.name == "main" })
        #expect(main.statistics.driverDrops == 7)
        #expect(main.statistics.errors == 4)
        #expect(main.largestGaps.count == RecordingOverview.largestGapCount)
        #expect(main.largestGaps.first?.missing == 1 && main.largestGaps.first?.sequence == 6)
        let run = try Fixtures.camrec(["info", path, "--json"])
        #expect(run.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(run.standardOutput.utf8)) as? [String: Any])
        #expect(object["requests"] as? Int == 30 && object["chunks"] != nil)
        let streams = try #require(object["streams"] as? [[String: Any]])
        #expect(streams.count == 3)
        for key in ["name", "kind", "format", "buffers", "errors", "driver_drops", "recorder_drops", "first_timestamp_ns",
                    "last_timestamp_ns", "raw_bytes", "stored_bytes", "interval_p50_ns", "interval_p99_ns",
                    "interval_max_ns", "largest_gaps"] {
            #expect(streams[0][key] != nil, "missing \(key)")
        }
        let format = try #require(streams[0]["format"] as? [String: Any])
        #expect(format["fourcc"] as? String == "NV12")
        #expect((format["planes"] as? [[String: Any]])?.first?["bytesperline"] as? Int == 64)
        let text = try Fixtures.camrec(["info", path])
        #expect(text.standardOutput.contains("largest    gaps: 1 before 6"))
    }
}
