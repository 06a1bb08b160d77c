import CamrecStore
import CamrecTestSupport
import Foundation
import Testing

/// A recorder stopped by a signal closes cleanly; one killed outright loses at most its open
/// chunk, and `recover` gets back every complete frame.
@Suite("Stopping and crashing")
struct StopAndCrashTests {
    private func start(_ arguments: [String]) throws -> RunningProcess {
        try ChildProcess.start([CamrecBinary.path] + arguments)
    }

    /// Waits up to 10 s for the recorder to have written `count` chunk files; fails the test
    /// (instead of going on with fewer) when it has not.
    private func waitForChunks(in path: String, atLeast count: Int) throws {
        var chunks: [String] = []
        for _ in 0..<200 {
            chunks = (try? FileManager.default.contentsOfDirectory(atPath: path + "/chunks")) ?? []
            if chunks.count >= count { return }
            usleep(50_000)
        }
        try #require(chunks.count >= count, "the recorder wrote \(chunks.count) chunks in 10 s, not \(count)")
    }

    /// The buffers whose every plane reached the chunk files complete and intact: what a scan of
    /// the bytes on disk finds, independent of the index and of `recover`.
    private func completeBuffersOnDisk(_ path: String) throws -> Set<Int64> {
        let names = try FileManager.default.contentsOfDirectory(atPath: path + "/chunks").filter { $0.hasSuffix(".zst") }.sorted()
        var planes: [Int64: (count: Int, expected: Int)] = [:]
        for name in names {
            let chunkID = Int64(name.prefix { $0.isNumber }) ?? 0
            for item in try ChunkScanner(path: path + "/chunks/" + name, chunkID: chunkID).scan(decode: true) {
                if case let .plane(header, _) = item {
                    planes[header.bufferID, default: (0, header.planeCount)].count += 1
                }
            }
        }
        return Set(planes.filter { $0.value.count == $0.value.expected }.keys)
    }

    @Test("SIGINT and SIGTERM stop the recorder cleanly, with a note of why", arguments: [SIGINT, SIGTERM])
    func signalStopsCleanly(signal: Int32) throws {
        let folder = try CamrecBinary.scratch()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/signal.camrec"
        let process = try start(["record", "-o", path, "--duration", "60", "--synthetic-size", "64x48",
                                 "--chunk-duration", "0.2"])
        try waitForChunks(in: path, atLeast: 2)
        process.signal(signal)
        let exit = process.reap()
        #expect(exit.code == 0 && !exit.signalled)
        let reader = try RecordingReader(path: path)
        #expect(try reader.buffers().count > 0)
        let stop = try reader.index.database.prepare("SELECT message FROM notes WHERE kind = 'stop'")
        #expect(try stop.step())
        #expect(stop.text(0) == "stopped by signal")
        #expect(try reader.index.database.scalar("SELECT COUNT(*) FROM stream_stats") == 3)
    }

    @Test("a recorder killed with SIGKILL leaves a readable recording, and recover gets back the rest")
    func killedRecorderLosesAtMostTheOpenChunk() throws {
        let folder = try CamrecBinary.scratch()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/killed.camrec"
        let process = try start(["record", "-o", path, "--duration", "60", "--synthetic-size", "64x48",
                                 "--chunk-duration", "0.2"])
        try waitForChunks(in: path, atLeast: 4)
        process.signal(SIGKILL)
        _ = process.reap()

        // What the index committed before the kill is readable as it is.
        let committed = try RecordingReader(path: path).buffers()
        #expect(committed.count > 0)
        let reader = try RecordingReader(path: path)
        for buffer in committed.suffix(6) { _ = try reader.readBuffer(buffer) }

        // `info` works on it too, computing what the recorder had no chance to store at close.
        let info = try CamrecBinary.run(["info", path, "--json"])
        #expect(info.status == 0, "\(info.standardError)")
        let object = try JSONSerialization.jsonObject(with: Data(info.standardOutput.utf8)) as? [String: Any]
        let streams = object?["streams"] as? [[String: Any]] ?? []
        #expect(streams.reduce(0) { $0 + ($1["buffers"] as? Int ?? 0) } == committed.count)

        // recover indexes exactly the buffers whose planes all reached the chunks, the open
        // chunk's included, and each reads back against its checksum.
        let onDisk = try completeBuffersOnDisk(path)
        let committedIDs = Set(committed.map(\.bufferID))
        #expect(committedIDs.isSubset(of: onDisk))
        let result = try CamrecBinary.run(["recover", path])
        #expect(result.standardOutput.contains("recovered"))
        let recoveredReader = try RecordingReader(path: path)
        let recovered = try recoveredReader.buffers()
        #expect(Set(recovered.map(\.bufferID)) == onDisk)
        for buffer in recovered { _ = try recoveredReader.readBuffer(buffer) }
    }
}
