import CamrecStore
import Foundation
import CV4L2
import CV4LConvert
#if canImport(Glibc)
import Glibc
import V4L2Vocabulary
#endif

/// An image as 8-bit R, G, B triplets, row after row without padding: what `.ppm` and `.png`
/// exports hold.
public struct RGBImage: Sendable, Equatable {
    public var width: Int
    public var height: Int
    /// `width * height * 3` bytes.
    public var pixels: [UInt8]

    public init(width: Int, height: Int, pixels: [UInt8]) {
        self.width = width
        self.height = height
        self.pixels = pixels
    }
}

/// Converts one recorded buffer to RGB24 with libv4lconvert. Offline there is no device, so the
/// converter is created with `v4lconvert_create_with_dev_ops` and an ioctl callback that plays a
/// capture device offering exactly the recorded format (VIDIOC_QUERYCAP, VIDIOC_ENUM_FMT) and
/// claiming the image controls in hardware (VIDIOC_QUERYCTRL), so libv4lconvert adds no software
/// white balance, gamma or flips: the pixels are converted, never "improved".
///
/// camrec's own code only re-lays bytes out where libv4lconvert cannot take them as recorded:
/// multi-planar NV12M/YUV420M are joined into NV12/YU12, NV12 rows with padding are packed, and
/// NV21 (absent from libv4lconvert's source formats) has its chroma bytes swapped into NV12.
/// Colour maths is libv4lconvert's for BT.601 limited range (all it knows); Y'CbCr recorded with
/// another matrix or range (BT.709, BT.2020, full range...) goes through `YCbCrToRGB` instead.
public enum RGBConverter {
    /// Formats libv4lconvert converts (after the re-layouts above); others are refused up front.
    public static let supportedFourCCs: Set<String> = [
        "RGB3", "BGR3", "YU12", "YV12", "YUYV", "YVYU", "UYVY", "NV12", "NV21", "NV16", "NV61", "NM12", "YM12",
        "GREY", "Y16", "RGBP", "RGB4", "BGR4", "XR24", "XB24", "AR24", "AB24",
        "BA81", "GBRG", "GRBG", "RGGB", "pBAA", "pGAA", "pgAA", "pRAA", "BG10", "GB10", "BA10", "RG10",
        "BYR2", "GB16", "GR16", "RG16", "MJPG", "JPEG",
    ]

    /// Converts the payload of each plane (data offsets already skipped) of one buffer in `format`.
    public static func convert(planes: [[UInt8]], format: VideoFormat) throws(ConversionFailure) -> RGBImage {
        let width = Int(format.width)
        let height = Int(format.height)
        guard width > 0, height > 0, width <= 16384, height <= 16384 else {
            throw ConversionFailure("the stream's size \(width)x\(height) is not an image size")
        }
        var fourcc = format.pixelFormat.description
        guard supportedFourCCs.contains(fourcc) else {
            throw ConversionFailure("libv4lconvert has no conversion from \(fourcc) to RGB; export it as .raw instead")
        }
        // A recorded colorimetry other than BT.601 limited range (libv4lconvert's only one): the
        // recorded matrix and range, with camrec's own conversion.
        let matrix = YCbCrToRGB(format: format)
        if !matrix.isLibv4lconvertDefault {
            if PlanarYUV420.sourceFourCCs.contains(fourcc) {
                return matrix.convert(try PlanarYUV420(planes: planes, format: format))
            }
            if ["YUYV", "YVYU", "UYVY", "VYUY"].contains(fourcc), let plane = planes.first {
                return try matrix.convertPacked(plane, fourcc: fourcc, width: width, height: height,
                                                bytesPerLine: Int(format.planes.first?.bytesPerLine ?? 0))
            }
        }
        var bytesPerLine = Int(format.planes.first?.bytesPerLine ?? 0)
        var source = planes.count == 1 ? planes[0] : planes.flatMap { $0 }
        switch fourcc {
        case "NM12": fourcc = "NV12"
        case "YM12": fourcc = "YU12"
        default: break
        }
        if fourcc == "NV12" || fourcc == "NV21" {
            // libv4lconvert's NV12 path reads rows of exactly `width` bytes: pack padded rows.
            if bytesPerLine > width {
                source = packRows(source, rowBytes: width, stride: bytesPerLine, rows: height + (height + 1) / 2)
            }
            bytesPerLine = width
            if fourcc == "NV21" {
                source = swapChroma(source, lumaBytes: width * height)
                fourcc = "NV12"
            }
        }
        let minimumRow = minimumBytesPerLine(fourcc: fourcc, width: width)
        if bytesPerLine == 0 { bytesPerLine = minimumRow }
        guard let code = PixelFormat(fourcc) else { throw ConversionFailure("'\(fourcc)' is not a fourcc") }
        // bytesperline comes from the index, and libv4lconvert walks rows by it without checking it
        // against the buffer: check here that every row it reads is inside the bytes.
        if !["MJPG", "JPEG"].contains(fourcc) {
            guard bytesPerLine >= minimumRow else {
                throw ConversionFailure("bytesperline \(bytesPerLine) is less than a \(width)-pixel \(fourcc) row needs (\(minimumRow))")
            }
            let needed = bytesRead(fourcc: fourcc, width: width, height: height, bytesPerLine: bytesPerLine, minimumRow: minimumRow)
            guard source.count >= needed else {
                throw ConversionFailure("the buffer holds \(source.count) bytes, too few for \(fourcc) \(width)x\(height) "
                                        + "at \(bytesPerLine) bytes per line (\(needed) needed)")
            }
        }
        guard source.count <= Int(Int32.max) else {
            throw ConversionFailure("the buffer holds \(source.count) bytes, more than libv4lconvert takes (2 GiB)")
        }
        return try convertWithLibv4lconvert(source, fourcc: code.rawValue, width: width, height: height,
                                            bytesPerLine: bytesPerLine)
    }

    private static func minimumBytesPerLine(fourcc: String, width: Int) -> Int {
        switch fourcc {
        case "RGB3", "BGR3": width * 3
        case "YUYV", "YVYU", "UYVY", "RGBP", "Y16", "BG10", "GB10", "BA10", "RG10", "BYR2", "GB16", "GR16", "RG16": width * 2
        case "RGB4", "BGR4", "XR24", "XB24", "AR24", "AB24": width * 4
        default: width
        }
    }

    /// The bytes a frame at `bytesPerLine` spans, its last row unpadded: Y rows then half-stride U
    /// and V rows (YU12, YV12), Y rows then as many CbCr rows (NV16, NV61), Y rows then half as many
    /// CbCr rows (NV12, packed to `width` by now), else rows of one kind (packed YUV, RGB, Bayer, grey).
    private static func bytesRead(fourcc: String, width: Int, height: Int, bytesPerLine: Int, minimumRow: Int) -> Int {
        switch fourcc {
        case "YU12", "YV12":
            let chromaStride = bytesPerLine / 2, chromaRows = (height + 1) / 2
            return bytesPerLine * height + chromaStride * (2 * chromaRows - 1) + (width + 1) / 2
        case "NV16", "NV61":
            return bytesPerLine * (2 * height - 1) + width
        case "NV12":
            return width * (height + height / 2)
        default:
            return bytesPerLine * (height - 1) + minimumRow
        }
    }

    private static func packRows(_ bytes: [UInt8], rowBytes: Int, stride: Int, rows: Int) -> [UInt8] {
        var packed = [UInt8]()
        packed.reserveCapacity(rowBytes * rows)
        for row in 0..<rows {
            let start = row * stride
            guard start + rowBytes <= bytes.count else { break }
            packed.append(contentsOf: bytes[start..<(start + rowBytes)])
        }
        return packed
    }

    private static func swapChroma(_ bytes: [UInt8], lumaBytes: Int) -> [UInt8] {
        var swapped = bytes
        var index = lumaBytes
        while index + 1 < swapped.count {
            swapped.swapAt(index, index + 1)
            index += 2
        }
        return swapped
    }

    private static func convertWithLibv4lconvert(_ source: [UInt8], fourcc: UInt32, width: Int, height: Int,
                                                 bytesPerLine: Int) throws(ConversionFailure) -> RGBImage {
        let device = OfflineCaptureDevice(pixelFormat: fourcc)
        let context = Unmanaged.passRetained(device)
        defer { context.release() }
        var operations = libv4l_dev_ops()
        operations.ioctl = offlineDeviceIoctl
        let result: Result<RGBImage, ConversionFailure> = withUnsafePointer(to: &operations) { operationsPointer in
            guard let converter = v4lconvert_create_with_dev_ops(-1, context.toOpaque(), operationsPointer) else {
                return .failure(ConversionFailure("libv4lconvert could not be initialised"))
            }
            defer { v4lconvert_destroy(converter) }
            var sourceFormat = v4l2_format()
            sourceFormat.type = 1  // V4L2_BUF_TYPE_VIDEO_CAPTURE
            sourceFormat.fmt.pix.width = UInt32(width)
            sourceFormat.fmt.pix.height = UInt32(height)
            sourceFormat.fmt.pix.pixelformat = fourcc
            sourceFormat.fmt.pix.field = 1  // V4L2_FIELD_NONE
            sourceFormat.fmt.pix.bytesperline = UInt32(bytesPerLine)
            sourceFormat.fmt.pix.sizeimage = UInt32(source.count)
            var destinationFormat = sourceFormat
            destinationFormat.fmt.pix.pixelformat = CV4L2_PIX_FMT_RGB24
            destinationFormat.fmt.pix.bytesperline = UInt32(width * 3)
            destinationFormat.fmt.pix.sizeimage = UInt32(width * height * 3)
            // libv4lconvert converts some formats in place (10-bit Bayer to 8-bit): give it a copy.
            var input = source
            var output = [UInt8](repeating: 0, count: width * height * 3)
            let written = input.withUnsafeMutableBufferPointer { inputBuffer in
                output.withUnsafeMutableBufferPointer { outputBuffer in
                    v4lconvert_convert(converter, &sourceFormat, &destinationFormat, inputBuffer.baseAddress,
                                       Int32(inputBuffer.count), outputBuffer.baseAddress, Int32(outputBuffer.count))
                }
            }
            guard written >= 0 else {
                let message = v4lconvert_get_error_message(converter).map { String(cString: $0) } ?? "unknown error"
                return .failure(ConversionFailure("libv4lconvert: "
                    + message.trimmingCharacters(in: .whitespacesAndNewlines)
                    + " (\(source.count) bytes for \(width)x\(height))"))
            }
            return .success(RGBImage(width: width, height: height, pixels: output))
        }
        return try result.get()
    }
}

/// Why one buffer could not be converted.
public struct ConversionFailure: Error, CustomStringConvertible, Sendable {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}

/// The device libv4lconvert thinks it talks to offline: one capture queue offering the recorded
/// format, nothing else.
final class OfflineCaptureDevice {
    let pixelFormat: UInt32

    init(pixelFormat: UInt32) {
        self.pixelFormat = pixelFormat
    }
}

/// libv4lconvert's ioctl callback for an `OfflineCaptureDevice`.
private let offlineDeviceIoctl: @convention(c) (UnsafeMutableRawPointer?, Int32, UInt, UnsafeMutableRawPointer?) -> Int32 = {
    context, _, request, argument in
    guard let context, let argument else {
        errno = EINVAL
        return -1
    }
    let device = Unmanaged<OfflineCaptureDevice>.fromOpaque(context).takeUnretainedValue()
    switch request {
    case CV4L2_VIDIOC_QUERYCAP:
        let capability = argument.assumingMemoryBound(to: v4l2_capability.self)
        capability.pointee = v4l2_capability()
        copyCString("camrec", into: &capability.pointee.driver)
        copyCString("camrec recording (offline)", into: &capability.pointee.card)
        copyCString("camrec:offline", into: &capability.pointee.bus_info)
        // VIDEO_CAPTURE | STREAMING | DEVICE_CAPS
        capability.pointee.capabilities = 0x0000_0001 | 0x0400_0000 | 0x8000_0000
        capability.pointee.device_caps = 0x0000_0001 | 0x0400_0000
        return 0
    case CV4L2_VIDIOC_ENUM_FMT:
        let description = argument.assumingMemoryBound(to: v4l2_fmtdesc.self)
        guard description.pointee.index == 0, description.pointee.type == 1 else {
            errno = EINVAL
            return -1
        }
        description.pointee.pixelformat = device.pixelFormat
        description.pointee.flags = 0
        return 0
    case CV4L2_VIDIOC_QUERYCTRL:
        // Claim every plain control id as a hardware control, so libv4lconvert adds no software
        // processing (and no shared-memory control segment); enumeration (NEXT_CTRL) ends at once.
        let control = argument.assumingMemoryBound(to: v4l2_queryctrl.self)
        if control.pointee.id & 0x8000_0000 != 0 {
            errno = EINVAL
            return -1
        }
        control.pointee.flags = 0
        return 0
    default:
        errno = ENOTTY
        return -1
    }
}

/// Copies `text` into a fixed-size C char array (a tuple), NUL-terminated and truncated to fit.
private func copyCString<T>(_ text: String, into field: inout T) {
    withUnsafeMutableBytes(of: &field) { bytes in
        let utf8 = Array(text.utf8.prefix(max(0, bytes.count - 1)))
        for (index, byte) in utf8.enumerated() { bytes[index] = byte }
        if utf8.count < bytes.count { bytes[utf8.count] = 0 }
    }
}
