import Foundation

/// A scratch folder of one fuzzer process, where each input is written as the file camrec would
/// read (a chunk, an index). It lives under $TMPDIR (tools/fuzz points that at /dev/shm, so the
/// fsyncs of `recover` cost nothing) and is named for the process, so parallel runs never meet.
enum FuzzWorkspace {
    static let root: String = {
        let base = ProcessInfo.processInfo.environment["TMPDIR"] ?? "/tmp"
        let path = base + "/camrec-fuzz-\(getpid())"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }()

    /// An empty recording folder `NAME.camrec` with an empty chunks folder.
    static func freshRecording(_ name: String) -> String {
        let path = root + "/" + name + ".camrec"
        try? FileManager.default.removeItem(atPath: path)
        try? FileManager.default.createDirectory(atPath: path + "/chunks", withIntermediateDirectories: true)
        return path
    }

    /// Writes `count` bytes at `start` to `path`, replacing the file.
    static func write(_ start: UnsafePointer<UInt8>, _ count: Int, to path: String) {
        let data = Data(bytes: start, count: count)
        guard FileManager.default.createFile(atPath: path, contents: data) else {
            // The harness itself failed (a full /dev/shm); that is not a finding in camrec.
            FileHandle.standardError.write(Data("fuzz: cannot write \(path)\n".utf8))
            exit(2)
        }
    }
}
