import CZstd

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
        // The declared size is only a number in the frame header: allocate it only when the frame's
        // blocks can produce that much (a 20-byte frame could otherwise claim 4 GiB).
        let bound = Self.decodedSizeBound(frame)
        guard bound >= UInt64(storedSize) else {
            throw .corrupt(path: path, offset: offset,
                           reason: "zstd frame declares \(storedSize) bytes, but its blocks hold at most \(bound)")
        }
        var written = 0
        // Uninitialised capacity: zstd writes every byte, so zero-filling first would touch each frame twice.
        let output = [UInt8](unsafeUninitializedCapacity: storedSize) { destination, initialized in
            written = ZSTD_decompressDCtx(context, destination.baseAddress, destination.count, frame.baseAddress, frame.count)
            initialized = ZSTD_isError(written) != 0 ? 0 : min(written, storedSize)
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
                           reason: "checksum mismatch (stored \(checksumHex(checksum)), computed \(checksumHex(actual)))")
        }
        return output
    }

    /// The most bytes the blocks of one zstd frame can decode to (RFC 8878, 3.1.1.2): raw and RLE
    /// blocks give exactly their size, a compressed block at most the frame's maximum block size.
    /// 0 when the frame's header or blocks cannot be parsed (zstd then refuses the frame itself).
    static func decodedSizeBound(_ frame: UnsafeRawBufferPointer) -> UInt64 {
        var header = ZSTD_frameHeader()
        guard ZSTD_getFrameHeader(&header, frame.baseAddress, frame.count) == 0, header.frameType == ZSTD_frame else {
            return 0
        }
        var position = Int(header.headerSize)
        var total: UInt64 = 0
        while position + 3 <= frame.count {
            let blockHeader = UInt32(frame[position]) | UInt32(frame[position + 1]) << 8 | UInt32(frame[position + 2]) << 16
            let size = Int(blockHeader >> 3)
            position += 3
            switch (blockHeader >> 1) & 3 {
            case 0:  // raw
                total += UInt64(size)
                position += size
            case 1:  // RLE: one byte repeated `size` times
                total += UInt64(size)
                position += 1
            case 2:  // compressed
                total += UInt64(header.blockSizeMax)
                position += size
            default:  // reserved: not a valid frame
                return 0
            }
            if blockHeader & 1 == 1 { return total }
        }
        return 0
    }
}
