import CZstd

/// Compresses MCAP chunks with zstd (one ZSTD_CCtx, reused; one output buffer of the largest
/// chunk's compress bound, reused), so writing a long export allocates nothing per chunk.
final class ZstdChunkCompressor {
    private let context: OpaquePointer
    private var output: [UInt8] = []
    let level: Int32

    /// `level`: zstd's compression level (1...19).
    init(level: Int32) throws(InspectError) {
        guard let context = ZSTD_createCCtx() else {
            throw .output(path: "(memory)", reason: "zstd could not create a compression context (out of memory)")
        }
        self.context = context
        self.level = level
        ZSTD_CCtx_setParameter(context, ZSTD_c_compressionLevel, level)
        // MCAP readers check the chunk's own size fields; zstd's frame content size helps any
        // reader that decompresses the frame alone.
        ZSTD_CCtx_setParameter(context, ZSTD_c_contentSizeFlag, 1)
    }

    deinit {
        ZSTD_freeCCtx(context)
    }

    /// Compresses `input` and hands the compressed bytes to `body` (valid only during the call).
    func compress<Result>(_ input: [UInt8], path: String,
                          _ body: (UnsafeRawBufferPointer) throws(InspectError) -> Result) throws(InspectError) -> Result {
        let bound = ZSTD_compressBound(input.count)
        if output.count < bound {
            output = [UInt8](unsafeUninitializedCapacity: bound) { _, initialized in initialized = bound }
        }
        let written = input.withUnsafeBytes { source in
            output.withUnsafeMutableBytes { destination in
                ZSTD_compress2(context, destination.baseAddress, bound, source.baseAddress, source.count)
            }
        }
        if ZSTD_isError(written) != 0 {
            throw .output(path: path, reason: "zstd could not compress a chunk: \(String(cString: ZSTD_getErrorName(written)))")
        }
        let result: Swift.Result<Result, InspectError> = output.withUnsafeBytes { bytes in
            Swift.Result { () throws(InspectError) in try body(UnsafeRawBufferPointer(rebasing: bytes[0..<written])) }
        }
        return try result.get()
    }
}
