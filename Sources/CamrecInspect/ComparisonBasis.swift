import CamrecStore
import V4L2Vocabulary

/// What `camrec diff` compares the frames of two paired streams in. Only two streams of one
/// layout are compared byte for byte; two layouts of one picture size are first converted to one
/// representation, and anything else is refused, so a PSNR is never computed between bytes that
/// mean different things.
public enum ComparisonBasis: String, Sendable, Codable, CaseIterable {
    /// The recorded bytes, bit for bit: both streams have one layout (video: fourcc, width,
    /// height, and each plane's bytesperline; metadata: one format).
    case bytes
    /// Both are 4:2:0 YUV of one size in different layouts (NV12 and YU12, say): each frame is
    /// re-laid out as `PlanarYUV420`, the conversion `.y4m` export makes. It moves bytes only, so
    /// one picture compares identical.
    case yuv420p
    /// Both are formats libv4lconvert converts, of one size: each frame is converted to RGB24 by
    /// `RGBConverter`, as `.png` and `.ppm` export do.
    case rgb24

    /// Why two streams cannot be compared, in words for the user ("frames of different sizes
    /// cannot be compared").
    public struct Refusal: Error, Sendable {
        public var reason: String
    }

    /// How to compare frames of `first` with frames of `second`.
    public init(first: StreamDescription, second: StreamDescription) throws(Refusal) {
        let a = first.format, b = second.format
        let fourccs = (a.pixelFormat.description, b.pixelFormat.description)
        guard first.kind == second.kind else {
            throw Refusal(reason: "a metadata stream cannot be compared with a video stream")
        }
        if first.kind == .meta {
            guard a.pixelFormat == b.pixelFormat else { throw Refusal(reason: "metadata of different formats cannot be compared") }
            self = .bytes
            return
        }
        if a.pixelFormat == b.pixelFormat, a.width == b.width, a.height == b.height, a.planes.count == b.planes.count,
           a.planes.map(\.bytesPerLine) == b.planes.map(\.bytesPerLine) {
            self = .bytes
            return
        }
        guard a.width == b.width, a.height == b.height else {
            throw Refusal(reason: "frames of different sizes cannot be compared")
        }
        let compressed = [a.pixelFormat, b.pixelFormat].filter(\.isCompressed).map(\.description)
        guard compressed.isEmpty else {
            throw Refusal(reason: "\(Set(compressed).sorted().joined(separator: " and ")) "
                + (Set(compressed).count > 1 ? "are" : "is") + " compressed, and compressed frames are compared "
                + "only with frames of the same format, byte for byte")
        }
        if PlanarYUV420.sourceFourCCs.contains(fourccs.0), PlanarYUV420.sourceFourCCs.contains(fourccs.1), a.width % 2 == 0 {
            self = .yuv420p
            return
        }
        let unconvertible = [fourccs.0, fourccs.1].filter { !RGBConverter.supportedFourCCs.contains($0) }
        guard unconvertible.isEmpty else {
            throw Refusal(reason: "camrec has no conversion from \(Set(unconvertible).sorted().joined(separator: " or ")) "
                + "to compare them (it converts 4:2:0 YUV layouts into one another, and libv4lconvert's formats to RGB24)")
        }
        self = .rgb24
    }

    /// The samples one frame is compared by: `planes` are the payloads of the buffer's planes (data
    /// offsets skipped), in `format`.
    public func samples(planes: [[UInt8]], format: VideoFormat) throws(ConversionFailure) -> [UInt8] {
        switch self {
        case .bytes: planes.flatMap { $0 }
        case .yuv420p: try PlanarYUV420(planes: planes, format: format).bytes
        case .rgb24: try RGBConverter.convert(planes: planes, format: format).pixels
        }
    }

    /// For people: what the frames are compared in.
    public var name: String {
        switch self {
        case .bytes: "the recorded bytes"
        case .yuv420p: "planar YUV 4:2:0"
        case .rgb24: "RGB24 (libv4lconvert)"
        }
    }
}

extension StreamDescription {
    /// "640x480 NV12", or "metadata VIVD": the format as `camrec diff` names it.
    var layoutSummary: String {
        kind == .meta ? "metadata \(format.pixelFormat)" : "\(format.width)x\(format.height) \(format.pixelFormat)"
    }

    /// The summary with each plane's bytesperline, for two formats that differ only there.
    var layoutWithPlanes: String {
        layoutSummary + " (bytesperline " + format.planes.map { String($0.bytesPerLine) }.joined(separator: "/") + ")"
    }
}
