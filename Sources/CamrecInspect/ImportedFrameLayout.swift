import V4L2Vocabulary

/// The plane layout of an uncompressed V4L2 pixel format at a size, as a driver reports it with
/// no padding (bytesperline = width × bytes per pixel of the first plane): what a file another
/// tool wrote holds per frame when it only says "WxH:FOURCC".
public enum ImportedFrameLayout {
    /// Bytes per pixel of the first (or only) plane and the chroma that follows it, per fourcc.
    private enum Layout {
        /// One plane of `bytesPerPixel` per pixel.
        case packed(bytesPerPixel: UInt32)
        /// One plane: luma, then chroma of `chromaNumerator / 4` of the luma's size (4:2:0 = 2, 4:2:2 = 4).
        case planar(chromaQuarters: UInt32, evenHeight: Bool)
        /// Several planes (multi-planar API): luma, then chroma planes of these quarters of the luma's size.
        case multiplanar(chromaPlanes: [UInt32], evenHeight: Bool)
    }

    private static let layouts: [String: Layout] = [
        "GREY": .packed(bytesPerPixel: 1), "BA81": .packed(bytesPerPixel: 1), "GBRG": .packed(bytesPerPixel: 1),
        "GRBG": .packed(bytesPerPixel: 1), "RGGB": .packed(bytesPerPixel: 1),
        "Y16": .packed(bytesPerPixel: 2), "Y16-BE": .packed(bytesPerPixel: 2), "YUYV": .packed(bytesPerPixel: 2),
        "YVYU": .packed(bytesPerPixel: 2), "UYVY": .packed(bytesPerPixel: 2), "VYUY": .packed(bytesPerPixel: 2),
        "RGBP": .packed(bytesPerPixel: 2), "RGB3": .packed(bytesPerPixel: 3), "BGR3": .packed(bytesPerPixel: 3),
        "AR24": .packed(bytesPerPixel: 4), "XR24": .packed(bytesPerPixel: 4), "BA24": .packed(bytesPerPixel: 4),
        "RGB4": .packed(bytesPerPixel: 4), "BGR4": .packed(bytesPerPixel: 4),
        "NV12": .planar(chromaQuarters: 2, evenHeight: true), "NV21": .planar(chromaQuarters: 2, evenHeight: true),
        "YU12": .planar(chromaQuarters: 2, evenHeight: true), "YV12": .planar(chromaQuarters: 2, evenHeight: true),
        "422P": .planar(chromaQuarters: 4, evenHeight: false), "NV16": .planar(chromaQuarters: 4, evenHeight: false),
        "NV61": .planar(chromaQuarters: 4, evenHeight: false),
        "NM12": .multiplanar(chromaPlanes: [2], evenHeight: true), "NM21": .multiplanar(chromaPlanes: [2], evenHeight: true),
        "YM12": .multiplanar(chromaPlanes: [1, 1], evenHeight: true),
    ]

    /// The fourccs this knows, for messages.
    public static var knownFormats: [String] { layouts.keys.sorted() }

    /// The format of `pixelFormat` frames of `width` × `height`, with their planes.
    public static func format(_ pixelFormat: PixelFormat, width: UInt32, height: UInt32) throws(ImportError) -> VideoFormat {
        let name = pixelFormat.description
        guard let layout = layouts[name] else {
            throw .unsupportedFormat(name, remedy: "camrec imports the uncompressed formats \(knownFormats.joined(separator: ", ")) "
                                     + "(not yet compressed streams such as MJPG or H264)")
        }
        guard (1...16384).contains(width), (1...16384).contains(height) else {
            throw .unsupportedFormat("\(name) \(width)x\(height)", remedy: "a side must be from 1 to 16384 pixels")
        }
        let luma = width * height
        switch layout {
        case let .packed(bytesPerPixel):
            if ["YUYV", "YVYU", "UYVY", "VYUY"].contains(name) && width % 2 != 0 {
                throw .unsupportedFormat("\(name) \(width)x\(height)", remedy: "4:2:2 pairs pixels: the width must be even")
            }
            return VideoFormat(bufferType: .videoCapture, pixelFormat: pixelFormat, width: width, height: height, field: .none,
                               planes: [PlaneLayout(bytesPerLine: width * bytesPerPixel, sizeImage: luma * bytesPerPixel)])
        case let .planar(chromaQuarters, evenHeight):
            guard width % 2 == 0, !evenHeight || height % 2 == 0 else {
                throw .unsupportedFormat("\(name) \(width)x\(height)", remedy: "its chroma needs an even width\(evenHeight ? " and height" : "")")
            }
            return VideoFormat(bufferType: .videoCapture, pixelFormat: pixelFormat, width: width, height: height, field: .none,
                               planes: [PlaneLayout(bytesPerLine: width, sizeImage: luma + luma * chromaQuarters / 4)])
        case let .multiplanar(chromaPlanes, evenHeight):
            guard width % 2 == 0, !evenHeight || height % 2 == 0 else {
                throw .unsupportedFormat("\(name) \(width)x\(height)", remedy: "its chroma needs an even width and height")
            }
            let chroma = chromaPlanes.map {
                PlaneLayout(bytesPerLine: chromaPlanes.count == 1 ? width : width / 2, sizeImage: luma * $0 / 4)
            }
            return VideoFormat(bufferType: .videoCaptureMultiplanar, pixelFormat: pixelFormat, width: width, height: height,
                               field: .none, planes: [PlaneLayout(bytesPerLine: width, sizeImage: luma)] + chroma)
        }
    }
}
