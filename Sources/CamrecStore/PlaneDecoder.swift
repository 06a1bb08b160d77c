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
}
