import CamrecStore

/// libFuzzer target: the input is the payload of a plane header's skippable frame (the 88 bytes
/// after magic 0x184D2A50 and its size). Any input must parse or throw a `StoreError`; a header
/// that parses must encode back to a frame that parses to the same header.
@_cdecl("LLVMFuzzerTestOneInput")
public func planeHeaderFuzz(_ start: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let payload = UnsafeRawBufferPointer(start: start, count: count)
    guard let header = try? PlaneHeader(payload: payload, path: "fuzz", offset: 0) else { return 0 }
    let frame = header.encodedFrame()
    let again = frame.withUnsafeBytes { bytes in
        try? PlaneHeader(payload: UnsafeRawBufferPointer(rebasing: bytes[8...]), path: "fuzz", offset: 0)
    }
    // A header that does not survive its own encoding would be indexed differently by `recover`.
    precondition(again == header, "plane header does not round-trip: \(header) became \(String(describing: again))")
    return 0
}
