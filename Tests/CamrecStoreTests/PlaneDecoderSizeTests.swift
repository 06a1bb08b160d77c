import CamrecStore
import Foundation
import Testing
import V4L2Vocabulary

/// Sizes a zstd frame declares are checked against what its blocks can hold before a plane's
/// buffer is allocated from them.
@Suite("plane decoder sizes")
struct PlaneDecoderSizeTests {
    /// A 17-byte zstd frame whose header declares 1 GiB of content, followed by one RLE block of
    /// 1000 bytes: the shape of tools/fuzz chunk-scanner's out-of-memory input (malloc(1073741856)).
    private let claimsOneGiB: [UInt8] = [0x28, 0xB5, 0x2F, 0xFD, 0xE0, 0x00, 0x00, 0x00, 0x40, 0x00, 0x00, 0x00, 0x00,
                                         0x43, 0x1F, 0x00, 0x00]

    @Test("a frame that declares more bytes than its blocks hold is refused before anything is allocated")
    func declaredSizeBeyondTheBlocksIsRefused() throws {
        let decoder = try PlaneDecoder()
        let error = #expect(throws: StoreError.self) {
            _ = try claimsOneGiB.withUnsafeBytes { frame in
                try decoder.decode(frame, storedSize: 1 << 30, checksum: 0, path: "chunk", offset: 42)
            }
        }
        let message = error.map { "\($0)" } ?? ""
        #expect(message.contains("declares 1073741824 bytes, but its blocks hold at most 1000"), "\(message)")
        #expect(message.contains("offset 42"), "\(message)")
    }

    @Test("frames camrec writes still decode, from one byte to several blocks")
    func realFramesDecode() throws {
        let encoder = try PlaneEncoder(level: 3)
        let decoder = try PlaneDecoder()
        for count in [0, 1, 1000, 131_072, 131_073, 600_000] {
            let bytes = (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 13) }
            let plane = try bytes.withUnsafeBytes {
                try encoder.encode($0, metadata: PlaneMetadata(bytesUsed: UInt32(count), length: UInt32(count)), as: .zstd)
            }
            let decoded = try plane.frame.withUnsafeBytes { frame in
                try decoder.decode(frame, storedSize: count, checksum: XXHash64.hash(bytes), path: "chunk", offset: 0)
            }
            #expect(decoded == bytes, "\(count) bytes")
        }
    }
}
