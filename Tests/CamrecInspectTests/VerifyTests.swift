import CamrecInspect
import CamrecStore
import Foundation
import Testing

/// `camrec verify` names each kind of damage by chunk, offset, stream and sequence and exits 1.
@Suite struct VerifyTests {
    /// A synthetic recording with several small chunks (so one can go missing).
    static func recording() throws -> (folder: String, path: String) {
        let folder = try Fixtures.temporaryFolder()
        let path = try Fixtures.syntheticRecording(in: folder)
        return (folder, path)
    }

    static func firstPlane(_ path: String, stream: Int = 1) throws -> (chunk: String, offset: Int64, length: Int64, sequence: UInt32) {
        let reader = try RecordingReader(path: path)
        let buffer = try #require(try reader.buffers(streamID: stream).dropFirst(3).first)
        let plane = try #require(buffer.planes.first)
        return (try reader.chunkPath(plane.location.chunkID), plane.location.offset, plane.location.compressedLength,
                buffer.metadata.sequence)
    }

    static func problems(_ path: String) throws -> [VerificationProblem] {
        try RecordingVerifier(reader: RecordingReader(path: path)).verify().problems
    }

    @Test func anIntactRecordingVerifies() throws {
        let (_, path) = try Self.recording()
        #expect(try Self.problems(path).isEmpty)
        let run = try Fixtures.camrec(["verify", path])
        #expect(run.status == 0)
        #expect(run.standardOutput.contains("OK"))
    }

    @Test func aFlippedByteIsFoundWithItsStreamAndSequence() throws {
        let (_, path) = try Self.recording()
        let plane = try Self.firstPlane(path)
        let handle = try #require(FileHandle(forUpdatingAtPath: plane.chunk))
        let target = UInt64(plane.offset + plane.length / 2)
        try handle.seek(toOffset: target)
        let byte = try #require(try handle.read(upToCount: 1)?.first)
        try handle.seek(toOffset: target)
        try handle.write(contentsOf: Data([byte ^ 0x10]))
        try handle.close()
        let problems = try Self.problems(path)
        let damaged = try #require(problems.first { $0.kind == .damagedPlane })
        #expect(damaged.stream == "main")
        #expect(damaged.sequence == Int64(plane.sequence))
        #expect(damaged.offset == plane.offset)
        let run = try Fixtures.camrec(["verify", path])
        #expect(run.status == 1)
        #expect(run.standardOutput.contains("damaged_plane"))
        #expect(run.standardOutput.contains("sequence \(plane.sequence)"))
    }

    @Test func aTruncatedChunkIsFound() throws {
        let (_, path) = try Self.recording()
        let plane = try Self.firstPlane(path)
        let handle = try #require(FileHandle(forUpdatingAtPath: plane.chunk))
        try handle.truncate(atOffset: UInt64(plane.offset + 10))
        try handle.close()
        let kinds = Set(try Self.problems(path).map(\.kind))
        #expect(kinds.contains(.chunkSize))
        #expect(kinds.contains(.pastEnd) || kinds.contains(.damagedPlane))
        #expect(try Fixtures.camrec(["verify", path]).status == 1)
    }

    @Test func aDeletedChunkIsFound() throws {
        let (_, path) = try Self.recording()
        let plane = try Self.firstPlane(path)
        try FileManager.default.removeItem(atPath: plane.chunk)
        let missing = try #require(try Self.problems(path).first { $0.kind == .missingChunk })
        #expect(missing.chunk == (plane.chunk as NSString).lastPathComponent)
        #expect(missing.message.contains("main"))
        let run = try Fixtures.camrec(["verify", path])
        #expect(run.status == 1)
        #expect(run.standardOutput.contains("missing_chunk"))
    }

    @Test func anIndexRowPointingPastTheEndOfAChunkIsFound() throws {
        let (_, path) = try Self.recording()
        let plane = try Self.firstPlane(path)
        let size = try #require((try FileManager.default.attributesOfItem(atPath: plane.chunk)[.size] as? NSNumber)?.int64Value)
        do {
            let database = try SQLiteDatabase(path: path + "/index.sqlite", mode: .readWrite)
            let update = try database.prepare("UPDATE planes SET offset = ? WHERE offset = ? AND chunk_id = (SELECT id FROM chunks WHERE name = ?)")
            try update.run([.integer(size - 4), .integer(plane.offset), .text((plane.chunk as NSString).lastPathComponent)])
        }
        let problems = try Self.problems(path)
        let past = try #require(problems.first { $0.kind == .pastEnd })
        #expect(past.stream == "main")
        #expect(past.sequence == Int64(plane.sequence))
        // The frame the row used to point at is now indexed by nobody.
        #expect(problems.contains { $0.kind == .unindexedPlane && $0.offset == plane.offset })
        #expect(try Fixtures.camrec(["verify", path]).status == 1)
    }

    @Test func anExtraChunkIsFound() throws {
        let (_, path) = try Self.recording()
        try Data([1, 2, 3]).write(to: URL(fileURLWithPath: path + "/chunks/999999.zst"))
        #expect(try Self.problems(path).contains { $0.kind == .extraChunk && $0.chunk == "999999.zst" })
    }

    /// A recorder killed right after creating a chunk leaves it empty: no data, nothing to report.
    @Test func anEmptyUnlistedChunkIsNotAProblem() throws {
        let (_, path) = try Self.recording()
        try Data().write(to: URL(fileURLWithPath: path + "/chunks/999999.zst"))
        #expect(try Self.problems(path).isEmpty)
        #expect(try Fixtures.camrec(["verify", path]).status == 0)
    }
}
