import V4L2Vocabulary

/// Reads a YUV4MPEG2 (.y4m) file as ffmpeg, mpv and `camrec export` write it: a stream header
/// (`YUV4MPEG2 W640 H480 F30000:1001 Ip A1:1 C420jpeg`), then `FRAME` lines each followed by one
/// frame of planar Y, U, V. 4:2:0 (any siting) becomes YU12, 4:2:2 422P, mono GREY: the frame's
/// bytes are kept exactly as the file holds them.
final class Y4MReader: ImportedFrameSource {
    let format: VideoFormat
    /// Frames per second from the header's F parameter, nil if it has none.
    let framesPerSecond: Double?
    private let file: ImportInputFile
    private var frames = 0

    init(path: String) throws(ImportError) {
        file = try ImportInputFile(path: path)
        let magic = Array("YUV4MPEG2 ".utf8)
        guard let start = try? file.read(magic.count, what: "the YUV4MPEG2 header"), start == magic else {
            throw .malformed(path: path, offset: 0, reason: "it does not start with 'YUV4MPEG2 ' (a .y4m file does)")
        }
        guard let header = try file.line(limit: 1024, what: "the YUV4MPEG2 header") else {
            throw .malformed(path: path, offset: file.offset, reason: "the file ends after 'YUV4MPEG2 '")
        }
        let words = [Substring("YUV4MPEG2")] + header.split(separator: " ")
        var width: UInt32?
        var height: UInt32?
        var rate: Double?
        var colour = "420jpeg"
        var interlace = "p"
        for word in words.dropFirst() {
            let value = String(word.dropFirst())
            switch word.first {
            case "W": width = UInt32(value)
            case "H": height = UInt32(value)
            case "C": colour = value
            case "I": interlace = value
            case "F":
                let parts = value.split(separator: ":")
                if parts.count == 2, let numerator = Double(parts[0]), let denominator = Double(parts[1]),
                   numerator > 0, denominator > 0, (numerator / denominator).isFinite {
                    rate = numerator / denominator
                }
            default: break
            }
        }
        guard let width, let height else {
            throw .malformed(path: path, offset: 0, reason: "the header has no W (width) and H (height): '\(header)'")
        }
        let fourcc: String
        switch colour {
        case "420jpeg", "420paldv", "420mpeg2", "420": fourcc = "YU12"
        case "422": fourcc = "422P"
        case "mono": fourcc = "GREY"
        default:
            throw .unsupportedFormat("y4m colour space C\(colour)", remedy: "camrec imports C420*, C422 and Cmono (8-bit)")
        }
        guard let code = PixelFormat(fourcc) else { throw .unsupportedFormat(fourcc, remedy: "not a fourcc") }
        var format = try ImportedFrameLayout.format(code, width: width, height: height)
        if interlace != "p" { format.field = .interlaced }
        self.format = format
        framesPerSecond = rate
    }

    var sourcePath: String { file.path }

    func nextFrame() throws(ImportError) -> ImportedFrame? {
        guard let line = try file.line(limit: 1024, what: "a FRAME header") else { return nil }
        guard line == "FRAME" || line.hasPrefix("FRAME ") else {
            throw .malformed(path: file.path, offset: file.offset, reason: "expected 'FRAME' before frame \(frames), found '\(line.prefix(40))'")
        }
        let size = Int(format.planes[0].sizeImage)
        guard let bytes = try file.read(size, what: "frame \(frames)") else {
            throw .malformed(path: file.path, offset: file.offset, reason: "the file ends after the FRAME header of frame \(frames)")
        }
        frames += 1
        return ImportedFrame(planes: [bytes], timestampNanoseconds: nil)
    }
}
