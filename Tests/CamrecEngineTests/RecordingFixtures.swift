import CamrecEngine
import CamrecStore
import CamrecTestSupport
import Foundation
import V4L2Vocabulary

/// A source that passes another source's buffers through and keeps a copy of everything it
/// handed to the recorder: the ground truth a round-trip test compares the recording with.
final class TappedSource: FrameSource, @unchecked Sendable {
    struct Delivered {
        var streamID: Int
        var metadata: FrameMetadata
        var planes: [[UInt8]]
    }

    private let inner: any FrameSource
    private let lock = NSLock()
    private var delivered: [Delivered] = []

    init(_ inner: any FrameSource) { self.inner = inner }

    var streams: [StreamDescription] { inner.streams }
    var sourceDescription: String { inner.sourceDescription }
    var endReason: String? { inner.endReason }
    var isLive: Bool { inner.isLive }
    func start() throws { try inner.start() }
    func stop() { inner.stop() }

    func nextBuffers(timeoutMilliseconds: Int32) throws -> [CapturedBuffer]? {
        guard let buffers = try inner.nextBuffers(timeoutMilliseconds: timeoutMilliseconds) else { return nil }
        lock.lock()
        for buffer in buffers {
            delivered.append(Delivered(streamID: buffer.streamID, metadata: buffer.metadata,
                                       planes: buffer.planeBytes.map { Array($0) }))
        }
        lock.unlock()
        return buffers
    }

    var everything: [Delivered] {
        lock.lock()
        defer { lock.unlock() }
        return delivered
    }
}

/// A fresh folder under the system temporary directory, removed by `remove()`.
struct ScratchFolder {
    let path: String

    init() throws {
        let template = NSTemporaryDirectory() + "/camrec-test-XXXXXX"
        var bytes = Array(template.utf8CString)
        guard let made = mkdtemp(&bytes) else { throw CocoaError(.fileWriteUnknown) }
        path = String(cString: made)
    }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

/// Small, fast synthetic recordings with every metadata path in them.
enum Fixtures {
    static func cameraOptions(dropEvery: Int? = 5, errorEvery: Int? = 7) -> SyntheticCamera.Options {
        var options = SyntheticCamera.Options()
        options.mainWidth = 64
        options.mainHeight = 48
        options.previewWidth = 32
        options.previewHeight = 24
        options.unpaced = true
        options.dropEvery = dropEvery
        options.errorEvery = errorEvery
        return options
    }

    static func recorderOptions(path: String, frames: Int, chunkSize: Int64 = 64 << 20) -> Recorder.Options {
        var options = Recorder.Options(outputPath: path)
        options.frameLimit = frames
        options.workers = 2
        options.queueCapacity = 1024  // Tests check the data, not the recorder's drop policy.
        options.chunkSizeLimit = chunkSize
        options.commandLine = "test"
        return options
    }

    /// Runs `command` and returns its exit status and output (stdout then stderr).
    static func run(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let result = try ChildProcess.run([executable] + arguments, timeout: 600)
        return (result.status, result.standardOutput + result.standardError)
    }

    /// Every row of every table of an index, as text, for comparing two indexes row for row.
    static func dump(index path: String, excluding: Set<String> = []) throws -> [String: [[SQLiteValue]]] {
        let database = try SQLiteDatabase(path: path, mode: .readOnly)
        let tables = try database.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        var names: [String] = []
        while try tables.step() { names.append(tables.text(0)) }
        var result: [String: [[SQLiteValue]]] = [:]
        for name in names where !excluding.contains(name) {
            let rows = try database.prepare("SELECT * FROM \"\(name)\"")
            var all: [[SQLiteValue]] = []
            while try rows.step() {
                all.append((0..<rows.columnCount).map { rows.value($0) })
            }
            result[name] = all.sorted { "\($0)" < "\($1)" }
        }
        return result
    }
}
