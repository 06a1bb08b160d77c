import CamrecEngine
import CamrecStore
import Foundation
import Testing

@Suite("Recording round trip")
struct RecordingRoundTripTests {
    @Test("every plane and every metadata field of every stream comes back bit for bit, errors and drops included")
    func roundTripIsBitExact() throws {
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        let path = scratch.path + "/round.camrec"
        let source = TappedSource(SyntheticCamera(options: Fixtures.cameraOptions(dropEvery: 5, errorEvery: 7)))
        let summary = try Recorder(source: source, options: Fixtures.recorderOptions(path: path, frames: 24, chunkSize: 20_000)).run()
        #expect(summary.recorderDrops == 0)

        // What the recorder kept: the first 24 buffers of each stream.
        var kept: [Int: Int] = [:]
        let delivered = source.everything.filter { buffer in
            kept[buffer.streamID, default: 0] += 1
            return kept[buffer.streamID, default: 0] <= 24
        }
        let reader = try RecordingReader(path: path)
        let recorded = try reader.buffers()
        #expect(recorded.count == 3 * 24)
        #expect(reader.streams.map(\.name) == ["main", "preview", "meta"])
        #expect(reader.streams == source.streams)
        for (expected, actual) in zip(delivered, recorded) {
            #expect(actual.streamID == expected.streamID)
            #expect(actual.metadata == expected.metadata)
            #expect(try actual.planes.map { try reader.readPlane($0) } == expected.planes)
        }

        // Driver drops: every 5th frame was skipped, so sequences jump; errors: every 7th main buffer.
        let main = recorded.filter { $0.streamID == 1 }
        #expect(!main.contains { $0.metadata.sequence % 5 == 0 && $0.metadata.sequence > 0 })
        let errorSequences: [UInt32] = main.filter { $0.metadata.status == .error }.map { $0.metadata.sequence }
        let everySeventh: [UInt32] = main.map { $0.metadata.sequence }.filter { $0 > 0 && $0 % 7 == 0 }
        #expect(!errorSequences.isEmpty)
        #expect(errorSequences == everySeventh)
        let statistics = try StreamStatistics.load(from: reader.index)
        let expectedGaps = Int64((main.last?.metadata.sequence ?? 0) / 5)
        #expect(statistics.first { $0.streamID == 1 }?.driverDrops == expectedGaps)
        #expect(statistics.first { $0.streamID == 1 }?.errors == Int64(main.filter { $0.metadata.status == .error }.count))
        #expect(try reader.index.database.scalar("SELECT COUNT(*) FROM chunks") > 1)
    }

    @Test("buffers of one moment are grouped into one request by sequence and timestamp")
    func requestsGroupSameSequenceAndTimestamp() throws {
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        let path = scratch.path + "/requests.camrec"
        _ = try Recorder(source: SyntheticCamera(options: Fixtures.cameraOptions()),
                         options: Fixtures.recorderOptions(path: path, frames: 10)).run()
        let reader = try RecordingReader(path: path)
        let database = reader.index.database
        #expect(try database.scalar("SELECT COUNT(*) FROM requests") == 10)
        #expect(try database.scalar("SELECT COUNT(*) FROM requests WHERE rule = 'sequence+timestamp'") == 10)
        #expect(try database.scalar(
            "SELECT COUNT(*) FROM (SELECT request_id FROM buffers GROUP BY request_id HAVING COUNT(DISTINCT sequence) = 1 AND COUNT(*) = 3)") == 10)
    }

    @Test("recover rebuilds an index equal to the original, row for row")
    func recoverRebuildsIdenticalIndex() throws {
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        let path = scratch.path + "/recover.camrec"
        _ = try Recorder(source: SyntheticCamera(options: Fixtures.cameraOptions()),
                         options: Fixtures.recorderOptions(path: path, frames: 20, chunkSize: 30_000)).run()
        let original = try Fixtures.dump(index: path + "/index.sqlite")
        try FileManager.default.removeItem(atPath: path + "/index.sqlite")

        let report = try Recovery.recover(path: path)
        #expect(report.losses.isEmpty)
        #expect(report.buffers == 60)
        #expect(report.previousIndex == nil)
        let rebuilt = try Fixtures.dump(index: path + "/index.sqlite")
        #expect(rebuilt.keys.sorted() == original.keys.sorted())
        for table in original.keys.sorted() {
            #expect(rebuilt[table] == original[table], "table \(table) differs")
        }
    }

    @Test("a chunk truncated mid-frame loses only that frame, and recover names it")
    func truncatedChunkLosesOnlyThatFrame() throws {
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        let path = scratch.path + "/truncated.camrec"
        _ = try Recorder(source: SyntheticCamera(options: Fixtures.cameraOptions(dropEvery: nil, errorEvery: nil)),
                         options: Fixtures.recorderOptions(path: path, frames: 20, chunkSize: 30_000)).run()
        let before = try RecordingReader(path: path)
        let all = try before.buffers()
        // The last plane written to the first chunk: cut its zstd frame in half.
        let inFirstChunk = all.filter { $0.planes.allSatisfy { $0.location.chunkID == 1 } }
        let victim = try #require(inFirstChunk.max { $0.planes[0].location.offset < $1.planes[0].location.offset })
        let plane = try #require(victim.planes.last)
        let chunkPath = try before.chunkPath(1)
        #expect(truncate(chunkPath, off_t(plane.location.offset + plane.location.compressedLength / 2)) == 0)

        let report = try Recovery.recover(path: path)
        #expect(report.buffers == all.count - 1)
        #expect(report.losses.count == 1)
        let loss = try #require(report.losses.first)
        let streamName = before.streams.first { $0.id == victim.streamID }?.name
        #expect(loss.chunk == "000001.zst")
        #expect(loss.sequence == victim.metadata.sequence)
        #expect(loss.streamName == streamName)
        #expect(loss.reason.contains("truncated"))
        #expect(report.previousIndex != nil)

        let after = try RecordingReader(path: path)
        let survivors = try after.buffers()
        #expect(!survivors.contains { $0.bufferID == victim.bufferID })
        for buffer in survivors.prefix(10) {
            _ = try after.readBuffer(buffer)  // Decodes and checks every surviving plane.
        }
    }

    @Test("zstd -t accepts every chunk, and zstd -d gives back the planes in order")
    func standardZstdReadsEveryChunk() throws {
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        let path = scratch.path + "/zstd.camrec"
        _ = try Recorder(source: SyntheticCamera(options: Fixtures.cameraOptions()),
                         options: Fixtures.recorderOptions(path: path, frames: 12, chunkSize: 20_000)).run()
        let reader = try RecordingReader(path: path)
        let buffers = try reader.buffers()
        for (chunkID, name) in reader.chunks.sorted(by: { $0.key < $1.key }) {
            let chunk = path + "/chunks/" + name
            let test = try Fixtures.run("/usr/bin/env", ["zstd", "-q", "-t", chunk])
            #expect(test.status == 0, "zstd -t \(name): \(test.output)")
            let decoded = scratch.path + "/\(name).out"
            let decode = try Fixtures.run("/usr/bin/env", ["zstd", "-q", "-d", chunk, "-o", decoded])
            #expect(decode.status == 0, "zstd -d \(name): \(decode.output)")
            let planes = buffers.flatMap(\.planes).filter { $0.location.chunkID == chunkID }
                .sorted { $0.location.offset < $1.location.offset }
            var expected: [UInt8] = []
            for plane in planes { expected += try reader.readPlane(plane) }
            #expect(try Array(Data(contentsOf: URL(fileURLWithPath: decoded))) == expected)
        }
    }
}
