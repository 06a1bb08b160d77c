import CZstd

/// One plane's bytes made ready for a chunk: a complete zstd frame (with content checksum) and
/// the facts the header needs about it.
public struct EncodedPlane: Sendable {
    public var metadata: PlaneMetadata
    public var encoding: PlaneEncoding
    /// A complete zstd frame holding the stored bytes.
    public var frame: [UInt8]
    /// Uncompressed size of the stored bytes.
    public var storedSize: UInt32
    /// XXH64 (seed 0) of the stored bytes.
    public var checksum: UInt64

    public init(metadata: PlaneMetadata, encoding: PlaneEncoding, frame: [UInt8], storedSize: UInt32, checksum: UInt64) {
        self.metadata = metadata
        self.encoding = encoding
        self.frame = frame
        self.storedSize = storedSize
        self.checksum = checksum
    }
}

/// Turns plane bytes into zstd frames. Holds a zstd compression context, so each compression
/// worker owns one; not thread-safe.
public final class PlaneEncoder {
    private let context: OpaquePointer
    public let level: Int32

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
        var result = 0
        // Uninitialised capacity: zeroing a compress-bound array per plane costs measurable time.
        let frame = [UInt8](unsafeUninitializedCapacity: bound) { output, initialized in
            result = ZSTD_compress2(context, output.baseAddress, output.count, bytes.baseAddress, bytes.count)
            initialized = ZSTD_isError(result) != 0 ? 0 : result
        }
        if ZSTD_isError(result) != 0 {
            throw .zstd(path: "(plane)", operation: "compress", message: String(cString: ZSTD_getErrorName(result)))
        }
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

/// Decompresses plane frames and checks them against their recorded checksum.
public final class PlaneDecoder {
    private let context: OpaquePointer

    public init() throws(StoreError) {
        guard let context = ZSTD_createDCtx() else {
            throw .zstd(path: "(memory)", operation: "ZSTD_createDCtx", message: "out of memory")
        }
        self.context = context
    }

    deinit {
        ZSTD_freeDCtx(context)
    }

    /// Decodes one zstd frame into exactly `storedSize` bytes and verifies `checksum`.
    public func decode(_ frame: UnsafeRawBufferPointer, storedSize: Int, checksum: UInt64,
                       path: String, offset: Int64) throws(StoreError) -> [UInt8] {
        let contentSize = ZSTD_getFrameContentSize(frame.baseAddress, frame.count)
        guard contentSize != ZSTD_CONTENTSIZE_ERROR, contentSize != ZSTD_CONTENTSIZE_UNKNOWN,
              contentSize == UInt64(storedSize) else {
            throw .corrupt(path: path, offset: offset,
                           reason: "zstd frame declares \(contentSize) bytes, the index says \(storedSize)")
        }
        var output = [UInt8](repeating: 0, count: storedSize)
        let written = output.withUnsafeMutableBytes { destination in
            ZSTD_decompressDCtx(context, destination.baseAddress, destination.count, frame.baseAddress, frame.count)
        }
        if ZSTD_isError(written) != 0 {
            throw .corrupt(path: path, offset: offset,
                           reason: "zstd frame does not decode: \(String(cString: ZSTD_getErrorName(written)))")
        }
        guard written == storedSize else {
            throw .corrupt(path: path, offset: offset, reason: "decoded \(written) bytes, expected \(storedSize)")
        }
        let actual = XXHash64.hash(output)
        guard actual == checksum else {
            throw .corrupt(path: path, offset: offset,
                           reason: "checksum mismatch (stored \(hex(checksum)), computed \(hex(actual)))")
        }
        return output
    }
}

func hex(_ value: UInt64) -> String {
    let digits = String(value, radix: 16)
    return String(repeating: "0", count: max(0, 16 - digits.count)) + digits
}
