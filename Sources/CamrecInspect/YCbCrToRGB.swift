import CamrecStore
import V4L2Vocabulary

/// Y'CbCr to R'G'B' with the matrix and range a stream was recorded with (BT.601, BT.709,
/// BT.2020 or SMPTE 240M; limited or full range), resolved from its format the way V4L2 resolves
/// DEFAULT (`V4L2_MAP_YCBCR_ENC_DEFAULT`, `V4L2_MAP_QUANTIZATION_DEFAULT` in videodev2.h).
/// libv4lconvert knows only BT.601 limited range, so `RGBConverter` uses this for every other
/// recorded colorimetry, and libv4lconvert for BT.601 limited.
struct YCbCrToRGB: Sendable, Equatable {
    /// The luma weights of red and blue (green's is what is left).
    var redWeight: Double
    var blueWeight: Double
    var fullRange: Bool

    /// BT.601 limited range, what libv4lconvert assumes.
    var isLibv4lconvertDefault: Bool { redWeight == 0.299 && blueWeight == 0.114 && !fullRange }

    /// The conversion `format` says its Y'CbCr samples need.
    init(format: VideoFormat) {
        // enum v4l2_ycbcr_encoding, with DEFAULT mapped from the colorspace.
        var encoding = format.ycbcrEncoding
        if encoding == 0 {
            switch format.colorspace {
            case 3, 9: encoding = 2  // REC709, OPRGB -> 709
            case 10: encoding = 6  // BT2020
            case 2: encoding = 8  // SMPTE240M
            default: encoding = 1  // SMPTE170M, 470, JPEG, SRGB (sYCC is 601), DCI-P3 ... -> 601
            }
        }
        switch encoding {
        case 2, 4: (redWeight, blueWeight) = (0.2126, 0.0722)  // 709, XV709
        case 6, 7: (redWeight, blueWeight) = (0.2627, 0.0593)  // BT2020 (constant luminance taken as the non-constant matrix)
        case 8: (redWeight, blueWeight) = (0.212, 0.087)  // SMPTE 240M
        default: (redWeight, blueWeight) = (0.299, 0.114)  // 601, XV601, sYCC
        }
        // enum v4l2_quantization: DEFAULT is full range for JPEG, limited for other Y'CbCr.
        switch format.quantization {
        case 1: fullRange = true
        case 2: fullRange = false
        default: fullRange = format.colorspace == 7 && encoding != 3 && encoding != 4
        }
    }

    /// One pixel.
    func rgb(y: UInt8, cb: UInt8, cr: UInt8) -> (UInt8, UInt8, UInt8) {
        let luma = fullRange ? Double(y) / 255 : (Double(y) - 16) / 219
        let blueDifference = (Double(cb) - 128) / (fullRange ? 255 : 224)
        let redDifference = (Double(cr) - 128) / (fullRange ? 255 : 224)
        let red = luma + 2 * (1 - redWeight) * redDifference
        let blue = luma + 2 * (1 - blueWeight) * blueDifference
        let green = (luma - redWeight * red - blueWeight * blue) / (1 - redWeight - blueWeight)
        func byte(_ value: Double) -> UInt8 { UInt8(max(0, min(255, (value * 255).rounded()))) }
        return (byte(red), byte(green), byte(blue))
    }

    /// A 4:2:0 picture (`PlanarYUV420`: Y, then Cb, then Cr) to RGB24, each chroma sample used
    /// for its 2x2 block.
    func convert(_ picture: PlanarYUV420) -> RGBImage {
        let width = picture.width
        let height = picture.height
        let chromaWidth = width / 2
        let chromaRows = (height + 1) / 2
        let lumaSize = width * height
        let chromaSize = chromaWidth * chromaRows
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        picture.bytes.withUnsafeBufferPointer { bytes in
            for row in 0..<height {
                for column in 0..<width {
                    let chroma = (row / 2) * chromaWidth + column / 2
                    let (r, g, b) = rgb(y: bytes[row * width + column], cb: bytes[lumaSize + chroma],
                                        cr: bytes[lumaSize + chromaSize + chroma])
                    let at = (row * width + column) * 3
                    pixels[at] = r
                    pixels[at + 1] = g
                    pixels[at + 2] = b
                }
            }
        }
        return RGBImage(width: width, height: height, pixels: pixels)
    }

    /// A packed 4:2:2 picture (YUYV, YVYU, UYVY, VYUY) to RGB24.
    func convertPacked(_ bytes: [UInt8], fourcc: String, width: Int, height: Int, bytesPerLine: Int) throws(ConversionFailure) -> RGBImage {
        // Byte positions of Y0, Cb, Y1, Cr in each 4-byte pair of pixels.
        let order: (y0: Int, cb: Int, y1: Int, cr: Int)
        switch fourcc {
        case "YUYV": order = (0, 1, 2, 3)
        case "YVYU": order = (0, 3, 2, 1)
        case "UYVY": order = (1, 0, 3, 2)
        case "VYUY": order = (1, 2, 3, 0)
        default: throw ConversionFailure("\(fourcc) is not a packed 4:2:2 YUV format")
        }
        let stride = max(bytesPerLine, width * 2)
        guard width % 2 == 0, bytes.count >= stride * (height - 1) + width * 2 else {
            throw ConversionFailure("the buffer holds \(bytes.count) bytes, too few for \(fourcc) \(width)x\(height) at \(stride) bytes per line")
        }
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        for row in 0..<height {
            for pair in 0..<(width / 2) {
                let at = row * stride + pair * 4
                let cb = bytes[at + order.cb]
                let cr = bytes[at + order.cr]
                for (index, y) in [bytes[at + order.y0], bytes[at + order.y1]].enumerated() {
                    let (r, g, b) = rgb(y: y, cb: cb, cr: cr)
                    let out = (row * width + pair * 2 + index) * 3
                    pixels[out] = r
                    pixels[out + 1] = g
                    pixels[out + 2] = b
                }
            }
        }
        return RGBImage(width: width, height: height, pixels: pixels)
    }
}
