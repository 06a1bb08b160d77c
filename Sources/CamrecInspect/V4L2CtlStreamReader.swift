import V4L2Vocabulary

/// Reads what `v4l2-ctl --stream-to FILE` wrote: frames back to back, each plane's bytes from its
/// data offset to bytesused, with nothing between them (so every frame must be the format's size),
/// or with `--stream-to-hdr FILE` instead, each frame preceded by the id 'Vhdr' and each plane by its length
/// (big-endian 32-bit words, as v4l2-ctl writes them), so frames may differ in size.
final class V4L2CtlStreamReader: ImportedFrameSource {
    let format: VideoFormat
    let framesPerSecond: Double? = nil
    private let file: ImportInputFile
    private let withHeaders: Bool
    private var frames = 0
    /// v4l2_fourcc('V', 'h', 'd', 'r'), as v4l2-ctl writes it (htonl).
    static let frameHeaderID: [UInt8] = Array("Vhdr".utf8).reversed()

    init(path: String, format: VideoFormat, withHeaders: Bool) throws(ImportError) {
        file = try ImportInputFile(path: path)
        self.format = format
        self.withHeaders = withHeaders
    }

    var sourcePath: String { file.path }

    func nextFrame() throws(ImportError) -> ImportedFrame? {
        var planes: [[UInt8]] = []
        if withHeaders {
            guard let id = try file.read(4, what: "the header of frame \(frames)") else { return nil }
            guard id == Self.frameHeaderID else {
                throw .malformed(path: file.path, offset: file.offset - 4,
                                 reason: "frame \(frames) does not start with v4l2-ctl's 'Vhdr' id: a file without "
                                    + "--stream-to-hdr headers (v4l2-ctl --stream-to) imports with --type v4l2-ctl")
            }
        }
        for (index, layout) in format.planes.enumerated() {
            var size = Int(layout.sizeImage)
            if withHeaders {
                guard let word = try file.read(4, what: "the length of plane \(index) of frame \(frames)") else {
                    throw .malformed(path: file.path, offset: file.offset, reason: "the file ends inside frame \(frames)")
                }
                size = Int(word.reduce(UInt32(0)) { $0 << 8 | UInt32($1) })
                guard size <= Int(layout.sizeImage) else {
                    throw .malformed(path: file.path, offset: file.offset - 4,
                                     reason: "plane \(index) of frame \(frames) holds \(size) bytes, more than the \(layout.sizeImage) "
                                        + "of \(format.pixelFormat) \(format.width)x\(format.height): is --format right?")
                }
            }
            guard let bytes = try file.read(size, what: "plane \(index) of frame \(frames)") else {
                if index == 0 && !withHeaders { return nil }
                throw .malformed(path: file.path, offset: file.offset, reason: "the file ends inside frame \(frames)")
            }
            planes.append(bytes)
        }
        frames += 1
        return ImportedFrame(planes: planes, timestampNanoseconds: nil)
    }
}
