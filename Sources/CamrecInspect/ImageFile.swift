import CPNG

/// Encodes an `RGBImage` as a file: binary PPM (P6) or PNG (libpng's simplified write API).
public enum ImageFile {
    /// Netpbm P6: a text header, then the RGB bytes.
    public static func ppm(_ image: RGBImage) -> [UInt8] {
        var bytes = Array("P6\n\(image.width) \(image.height)\n255\n".utf8)
        bytes.append(contentsOf: image.pixels)
        return bytes
    }

    /// An 8-bit RGB PNG.
    public static func png(_ image: RGBImage) throws(ConversionFailure) -> [UInt8] {
        var description = png_image()
        description.version = UInt32(PNG_IMAGE_VERSION)
        description.width = UInt32(image.width)
        description.height = UInt32(image.height)
        description.format = UInt32(PNG_FORMAT_RGB)
        var size: png_alloc_size_t = 0
        let stride = Int32(image.width * 3)
        // First call: how many bytes the PNG needs.
        let measured = image.pixels.withUnsafeBytes { pixels in
            png_image_write_to_memory(&description, nil, &size, 0, pixels.baseAddress, stride, nil)
        }
        guard measured != 0, size > 0 else {
            throw ConversionFailure("libpng: " + message(of: description))
        }
        var output = [UInt8](repeating: 0, count: Int(size))
        let written = image.pixels.withUnsafeBytes { pixels in
            output.withUnsafeMutableBytes { memory in
                png_image_write_to_memory(&description, memory.baseAddress, &size, 0, pixels.baseAddress, stride, nil)
            }
        }
        png_image_free(&description)
        guard written != 0 else { throw ConversionFailure("libpng: " + message(of: description)) }
        return Array(output.prefix(Int(size)))
    }

    private static func message(of description: png_image) -> String {
        var copy = description
        return withUnsafeBytes(of: &copy.message) { bytes in
            String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
        }
    }
}
