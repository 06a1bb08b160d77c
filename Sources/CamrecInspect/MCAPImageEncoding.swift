import CamrecStore
import V4L2Vocabulary

/// Which Foxglove message carries a video stream's buffers in the MCAP export, decided once per
/// stream from its V4L2 format. Every choice keeps the recorded bytes as they are (each plane's
/// payload, planes in order): nothing is converted.
enum MCAPImageEncoding: Equatable {
    /// `foxglove.RawImage` with an `encoding` Foxglove displays (`known`), or, for a V4L2 format
    /// Foxglove has no name for, `camrec:FOURCC`: the bytes are still the recorded ones, and the
    /// channel's metadata says how to read them (fourcc, planes' bytesperline and sizeimage).
    case raw(encoding: String, known: Bool)
    /// `foxglove.CompressedImage` (`jpeg`).
    case compressedImage(format: String)
    /// `foxglove.CompressedVideo` (`h264`, `h265`, `vp9`, `av1`).
    case compressedVideo(format: String)

    /// RawImage encodings of V4L2 formats whose bytes Foxglove reads as they are recorded
    /// (docs.foxglove.dev/docs/sdk/schemas/raw-image). NV12 and its multi-planar form NM12 (the
    /// same bytes when planes are concatenated) are `nv12`.
    static let rawEncodings: [String: String] = [
        "RGB3": "rgb8", "BGR3": "bgr8", "AB24": "rgba8", "AR24": "bgra8", "GREY": "mono8", "Y16": "mono16",
        "YUYV": "yuyv", "UYVY": "uyvy", "NV12": "nv12", "NM12": "nv12",
        "BA81": "bayer_bggr8", "GBRG": "bayer_gbrg8", "GRBG": "bayer_grbg8", "RGGB": "bayer_rggb8",
    ]

    static let compressedImageFormats: [String: String] = ["MJPG": "jpeg", "JPEG": "jpeg"]
    static let compressedVideoFormats: [String: String] = ["H264": "h264", "HEVC": "h265", "VP90": "vp9", "AV1F": "av1"]

    init(format: VideoFormat) {
        let fourcc = format.pixelFormat.description
        if let encoding = Self.rawEncodings[fourcc] {
            self = .raw(encoding: encoding, known: true)
        } else if let image = Self.compressedImageFormats[fourcc] {
            self = .compressedImage(format: image)
        } else if let video = Self.compressedVideoFormats[fourcc] {
            self = .compressedVideo(format: video)
        } else {
            self = .raw(encoding: "camrec:" + fourcc, known: false)
        }
    }

    /// The Foxglove schema name of the messages.
    var schemaName: String {
        switch self {
        case .raw: "foxglove.RawImage"
        case .compressedImage: "foxglove.CompressedImage"
        case .compressedVideo: "foxglove.CompressedVideo"
        }
    }

    /// RawImage's `step`: the first plane's bytesperline as V4L2 negotiated it, or, when the
    /// driver gave none, the row size of a known encoding (0 for one camrec cannot size).
    static func step(of format: VideoFormat, encoding: String) -> UInt32 {
        if let recorded = format.planes.first?.bytesPerLine, recorded > 0 { return recorded }
        let bytesPerPixel: UInt32
        switch encoding {
        case "rgb8", "bgr8": bytesPerPixel = 3
        case "rgba8", "bgra8": bytesPerPixel = 4
        case "mono16", "yuyv", "uyvy": bytesPerPixel = 2
        case "mono8", "nv12", "bayer_bggr8", "bayer_gbrg8", "bayer_grbg8", "bayer_rggb8": bytesPerPixel = 1
        default: return 0
        }
        return format.width.multipliedReportingOverflow(by: bytesPerPixel).overflow ? 0 : format.width * bytesPerPixel
    }
}
