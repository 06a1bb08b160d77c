import CamrecStore

/// libFuzzer target: the input is a chunk file (`chunks/NNNNNN.zst`), scanned as `verify` and
/// `recover` scan one, every plane decoded and checked. Any input must give items or a
/// `StoreError`; a trap, a hang or a huge allocation is a finding.
@_cdecl("LLVMFuzzerTestOneInput")
public func chunkScannerFuzz(_ start: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let path = FuzzWorkspace.root + "/000001.zst"
    FuzzWorkspace.write(start, count, to: path)
    _ = try? ChunkScanner(path: path, chunkID: 1).scan(decode: true)
    return 0
}
