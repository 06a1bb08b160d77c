import CamrecStore

/// libFuzzer target: the input is the only chunk of a recording that has lost its index, and
/// `camrec recover` rebuilds the index from it. Any input must give a report or a `StoreError`;
/// when recover succeeds, every buffer of the rebuilt index must read back, as recover checked
/// each plane's checksum.
@_cdecl("LLVMFuzzerTestOneInput")
public func recoverFuzz(_ start: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let recording = FuzzWorkspace.freshRecording("recover")
    FuzzWorkspace.write(start, count, to: recording + "/chunks/000001.zst")
    guard (try? Recovery.recover(path: recording)) != nil else { return 0 }
    do {
        let reader = try RecordingReader(path: recording)
        for buffer in try reader.buffers() {
            _ = try reader.readBuffer(buffer)
        }
    } catch {
        preconditionFailure("recover succeeded but its index does not read back: \(error)")
    }
    return 0
}
