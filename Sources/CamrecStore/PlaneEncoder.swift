import CZstd
import V4L2Vocabulary

/// Turns plane bytes into zstd frames. Holds a zstd compression context, so each compression
/// worker owns one; not thread-safe.
public final class PlaneEncoder {
    private let context: OpaquePointer
    public let level: Int32
    /// Where zstd compresses to (its worst-case size, kept between planes); each frame is then
    /// copied out at its exact size, so a frame waiting to be written holds only its own bytes.
    private var scratch: [UInt8] = []

    /// `level`: the zstd compression level (1...19; negative levels are zstd's fast modes).
    public init(level: Int32) throws(StoreError) {
        guard let context = ZSTD_createCCtx() else {
            throw .zstd(path: "(memory)", operation: "ZSTD_createCCtx", message: "out of memory")
        }
        self.context = context
        self.level = level
        ZSTD_CCtx_setParameter(context, ZSTD_c_compressionLevel, level)
        // The frame's own checksum lets `zstd -t` and decompression detect damage.
        ZSTD_CCtx_setParameter(context, ZSTD_c_checksumFlag, 1)
        ZSTD_CCtx_setParameter(context, ZSTD_c_contentSizeFlag, 1)
    }

    deinit {
        ZSTD_freeCCtx(context)
    }

    /// The most memory a frame of a `byteCount`-byte plane can take (zstd's compress bound, or the
    /// raw blocks of a stored frame), for budgets reserved before a plane is encoded.
    public static func frameBound(byteCount: Int) -> Int {
        max(ZSTD_compressBound(byteCount), byteCount + 18 + 3 * (byteCount / (128 * 1024) + 1))
    }

    /// Encodes `bytes` (the plane's payload) as a zstd frame: compressed, or `.stored` in raw zstd
    /// blocks (for already-compressed formats; `PlaneEncoding(for:)` picks).
    public func encode(_ bytes: UnsafeRawBufferPointer, metadata: PlaneMetadata,
                       as encoding: PlaneEncoding) throws(StoreError) -> EncodedPlane {
        let checksum = XXHash64.hash(bytes)
        if encoding == .stored {
            return EncodedPlane(metadata: metadata, encoding: .stored,
                                frame: Self.storedFrame(bytes, checksum: checksum),
                                storedSize: UInt32(bytes.count), checksum: checksum)
        }
        let bound = ZSTD_compressBound(bytes.count)
        if scratch.count < bound {
            // Uninitialised capacity: zeroing a compress-bound array costs measurable time.
            scratch = [UInt8](unsafeUninitializedCapacity: bound) { _, initialized in initialized = bound }
        }
        let result = scratch.withUnsafeMutableBytes { output in
            ZSTD_compress2(context, output.baseAddress, bound, bytes.baseAddress, bytes.count)
        }
        if ZSTD_isError(result) != 0 {
            throw .zstd(path: "(plane)", operation: "compress", message: String(cString: ZSTD_getErrorName(result)))
        }
        let frame = Array(scratch[0..<result])
        return EncodedPlane(metadata: metadata, encoding: .zstd, frame: frame,
                            storedSize: UInt32(bytes.count), checksum: checksum)
    }

    /// A zstd frame made of raw (uncompressed) blocks, per RFC 8878: single-segment frame with an
    /// 8-byte content size, raw blocks of at most 128 KiB, and the XXH64-based content checksum.
    static func storedFrame(_ bytes: UnsafeRawBufferPointer, checksum: UInt64) -> [UInt8] {
        let maximumBlock = 128 * 1024
        var frame = [UInt8]()
        frame.reserveCapacity(bytes.count + 18 + 3 * (bytes.count / maximumBlock + 1))
        frame.appendLittleEndian(UInt32(0xFD2F_B528))
        // Frame header descriptor: content size field of 8 bytes (0b11), single segment, checksum.
        frame.append(0b1110_0100)
        frame.appendLittleEndian(UInt64(bytes.count))
        var offset = 0
        repeat {
            let size = min(maximumBlock, bytes.count - offset)
            let last: UInt32 = offset + size == bytes.count ? 1 : 0
            let blockHeader = last | (0 << 1) | (UInt32(size) << 3)
            frame.append(UInt8(truncatingIfNeeded: blockHeader))
            frame.append(UInt8(truncatingIfNeeded: blockHeader >> 8))
            frame.append(UInt8(truncatingIfNeeded: blockHeader >> 16))
            if size > 0 {
                frame.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + size)]))
            }
            offset += size
        } while offset < bytes.count
        frame.appendLittleEndian(UInt32(truncatingIfNeeded: checksum))
        return frame
    }
}
