import CamrecStore
import V4L2Vocabulary

/// Writes a YUV stream as a YUV4MPEG2 (.y4m) file that ffmpeg and mpv play: a stream header,
/// then one `FRAME` of planar Y, U, V per buffer. Packed and semi-planar layouts are re-laid out
/// into planes here (a byte shuffle, no colour maths): NV12/NV21/NV12M to 4:2:0, YUYV/YVYU/UYVY
/// to 4:2:2, YU12/YV12 and GREY as they are.
public final class Y4MWriter {
    /// The y4m layouts camrec writes, by the recorded fourcc.
    enum Layout {
        /// Any 4:2:0 layout, re-laid out by `PlanarYUV420`.
        case yuv420
        case packed422(luma: Int, u: Int, v: Int)
        case mono
    }

    private let file: OutputFile
    private let format: VideoFormat
    private let layout: Layout
    public private(set) var frames = 0

    /// The fourccs `.y4m` export accepts.
    public static let supportedFourCCs: Set<String> = PlanarYUV420.sourceFourCCs.union(["YUYV", "YVYU", "UYVY", "GREY"])

    /// Creates the file and writes the stream header; `framesPerSecond` is rounded to a fraction
    /// with denominator 1000 (29.97 becomes 29970:1000).
    public init(path: String, replace: Bool, format: VideoFormat, framesPerSecond: Double) throws(InspectError) {
        let fourcc = format.pixelFormat.description
        let layout: Layout
        let colour: String
        switch fourcc {
        case "NV12", "NM12", "NV21", "NM21": (layout, colour) = (.yuv420, "C420mpeg2")
        case "YU12", "YM12", "YV12", "YM21": (layout, colour) = (.yuv420, "C420jpeg")
        case "YUYV": (layout, colour) = (.packed422(luma: 0, u: 1, v: 3), "C422")
        case "YVYU": (layout, colour) = (.packed422(luma: 0, u: 3, v: 1), "C422")
        case "UYVY": (layout, colour) = (.packed422(luma: 1, u: 0, v: 2), "C422")
        case "GREY": (layout, colour) = (.mono, "Cmono")
        default:
            throw .unsupportedFormat(fourcc: fourcc, target: ".y4m",
                                     remedy: "y4m holds YUV (NV12, YU12, YUYV, UYVY, GREY...); export .png frames or .mcap instead")
        }
        // The size comes from the index; the bound (RGBConverter's) keeps every product of sizes and
        // strides far from Int overflow.
        guard (1...16384).contains(format.width), (1...16384).contains(format.height) else {
            throw .unsupportedFormat(fourcc: fourcc, target: ".y4m",
                                     remedy: "the stream's size \(format.width)x\(format.height) is not an image size (1 to 16384 a side)")
        }
        guard format.width % 2 == 0 || layout.isMono else {
            throw .unsupportedFormat(fourcc: fourcc, target: ".y4m", remedy: "the stream's size \(format.width)x\(format.height) has no chroma layout")
        }
        self.layout = layout
        self.format = format
        file = try OutputFile(path: path, replace: replace)
        // The rate is measured from the index's timestamps: anything outside 0.001 to a million fps is
        // not a frame rate (and would not fit the header's integer).
        let rate = (0.001...1_000_000).contains(framesPerSecond) ? Int(exactly: (framesPerSecond * 1000).rounded()) ?? 30_000 : 30_000
        let interlace = format.field == .none || format.field == .any ? "p" : "?"
        try file.write(Array("YUV4MPEG2 W\(format.width) H\(format.height) F\(rate):1000 I\(interlace) A1:1 \(colour)\n".utf8))
    }

    /// Appends one buffer: `planes` are the payloads of its planes (data offsets skipped).
    public func append(planes: [[UInt8]]) throws(InspectError) {
        let width = Int(format.width)
        let height = Int(format.height)
        let stride = max(Int(format.planes.first?.bytesPerLine ?? 0), width)
        let bytes = planes.count == 1 ? planes[0] : planes.flatMap { $0 }
        var frame = Array("FRAME\n".utf8)
        switch layout {
        case .mono:
            guard bytes.count >= stride * (height - 1) + width else { throw shortBuffer(bytes.count) }
            for row in 0..<height { frame += bytes[(row * stride)..<(row * stride + width)] }
        case .yuv420:
            do {
                frame += try PlanarYUV420(planes: planes, format: format).bytes
            } catch {
                throw .unsupportedFormat(fourcc: format.pixelFormat.description, target: ".y4m", remedy: error.description)
            }
        case let .packed422(lumaIndex, uIndex, vIndex):
            let packedStride = max(Int(format.planes.first?.bytesPerLine ?? 0), width * 2)
            guard bytes.count >= packedStride * (height - 1) + width * 2 else { throw shortBuffer(bytes.count) }
            var y = [UInt8](), u = [UInt8](), v = [UInt8]()
            y.reserveCapacity(width * height)
            u.reserveCapacity(width * height / 2)
            v.reserveCapacity(width * height / 2)
            for row in 0..<height {
                let start = row * packedStride
                for pair in 0..<(width / 2) {
                    let base = start + pair * 4
                    y.append(bytes[base + lumaIndex])
                    y.append(bytes[base + lumaIndex + 2])
                    u.append(bytes[base + uIndex])
                    v.append(bytes[base + vIndex])
                }
            }
            frame += y
            frame += u
            frame += v
        }
        try file.write(frame)
        frames += 1
    }

    public func close() throws(InspectError) {
        try file.close()
    }

    private func shortBuffer(_ count: Int) -> InspectError {
        .unsupportedFormat(fourcc: format.pixelFormat.description, target: ".y4m",
                           remedy: "a buffer holds \(count) bytes, too few for \(format.width)x\(format.height)")
    }
}

extension Y4MWriter.Layout {
    var isMono: Bool {
        if case .mono = self { return true }
        return false
    }
}
