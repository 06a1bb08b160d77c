import CamrecInspect
import CamrecStore
import Foundation

/// libFuzzer target: the input is a recording's `index.sqlite`, next to the chunks of the
/// recording the seed index was made from (`CAMREC_FUZZ_CHUNKS`, set by tools/fuzz). It is read
/// as the user commands read it: the description and streams (every command), every buffer and
/// plane (`export`, `replay`, `diff`, in each order they walk the index), the overview with statistics, gaps and notes (`info`),
/// frame listings (`frames`) and `verify`. Any input must give results or a `StoreError`.
@_cdecl("LLVMFuzzerTestOneInput")
public func indexLoaderFuzz(_ start: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let recording = IndexLoaderRecording.prepared
    for suffix in ["", "-wal", "-shm", "-journal"] { try? FileManager.default.removeItem(atPath: recording + "/index.sqlite" + suffix) }
    FuzzWorkspace.write(start, count, to: recording + "/index.sqlite")
    guard let reader = try? RecordingReader(path: recording) else { return 0 }
    if let buffers = try? reader.buffers() {
        for buffer in buffers { _ = try? reader.readBuffer(buffer) }
    }
    for stream in reader.streams { _ = try? reader.buffers(streamID: stream.id, where: .sequence(1)) }
    // `diff` walks by sequence or timestamp, `replay` by request.
    for order in [BufferOrder.sequence, .timestamp, .request] {
        guard let cursor = try? reader.bufferCursor(order: order) else { continue }
        while let buffer = try? cursor.next() { _ = buffer }
    }
    _ = try? reader.bufferCount()
    _ = try? RecordingOverview(reader: reader)
    _ = try? FrameQuery.run(FrameFilter(afterGap: true), on: reader)
    _ = try? FrameQuery.firstTimestamp(of: reader)
    _ = try? RecordingVerifier(reader: reader).verify()
    return 0
}

/// The recording folder the index inputs are dropped into: its chunks folder is a link to the
/// seed recording's chunks, so plane reads and `verify` reach real frames.
enum IndexLoaderRecording {
    static let prepared: String = {
        let path = FuzzWorkspace.root + "/index.camrec"
        try? FileManager.default.removeItem(atPath: path)
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        if let chunks = ProcessInfo.processInfo.environment["CAMREC_FUZZ_CHUNKS"] {
            try? FileManager.default.createSymbolicLink(atPath: path + "/chunks", withDestinationPath: chunks)
        } else {
            try? FileManager.default.createDirectory(atPath: path + "/chunks", withIntermediateDirectories: true)
        }
        return path
    }()
}
