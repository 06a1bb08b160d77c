import CV4L2

/// One frame of a stateful FWHT stream (vicodec's `struct fwht_cframe_hdr`, big-endian, then the
/// compressed planes), turned into what the stateless decoder takes: the planes alone as the
/// buffer's payload, and the header as `struct v4l2_ctrl_fwht_params` in the frame's media
/// request, with the previous frame named as the reference by its timestamp (as `v4l2-ctl`
/// does with `--stream-from` into a stateless decoder).
struct FWHTFrame {
    /// `sizeof(struct fwht_cframe_hdr)`: two magic words and nine big-endian 32-bit fields.
    static let headerSize = 44
    static let magic: [UInt8] = [0x4f, 0x4f, 0x4f, 0x4f, 0xff, 0xff, 0xff, 0xff]
    /// V4L2_FWHT_FL_I_FRAME: the frame does not use a reference.
    static let intraFrameFlag: UInt32 = 1 << 10

    var version: UInt32
    var width: UInt32
    var height: UInt32
    var flags: UInt32
    var colorspace: UInt32
    var transferFunction: UInt32
    var ycbcrEncoding: UInt32
    var quantization: UInt32
    /// The compressed planes, without the header.
    var payload: ArraySlice<UInt8>

    /// Parses one recorded buffer; throws when it is not one whole FWHT frame.
    init(parsing bytes: [UInt8]) throws(FWHTFrameError) {
        guard bytes.count >= Self.headerSize else {
            throw FWHTFrameError(reason: "\(bytes.count) bytes, shorter than an FWHT header (\(Self.headerSize))")
        }
        guard Array(bytes[0..<8]) == Self.magic else { throw FWHTFrameError(reason: "no FWHT magic at the start") }
        func field(_ index: Int) -> UInt32 {
            let start = 8 + index * 4
            return bytes[start..<start + 4].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        }
        version = field(0)
        width = field(1)
        height = field(2)
        flags = field(3)
        colorspace = field(4)
        transferFunction = field(5)
        ycbcrEncoding = field(6)
        quantization = field(7)
        let size = Int(field(8))
        guard size <= bytes.count - Self.headerSize else {
            throw FWHTFrameError(reason: "the header announces \(size) bytes of planes, the buffer has \(bytes.count - Self.headerSize)")
        }
        payload = bytes[Self.headerSize..<Self.headerSize + size]
    }

    /// `struct v4l2_ctrl_fwht_params` in host byte order: backward_ref_ts (u64), then version,
    /// width, height, flags, colorspace, xfer_func, ycbcr_enc, quantization (u32 each).
    /// `referenceTimestamp` 0 means "no reference": the frame is then marked as an I-frame, so an
    /// error in an earlier frame does not spread (v4l2-ctl's rule).
    func parameters(referenceTimestamp: UInt64) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(40)
        withUnsafeBytes(of: referenceTimestamp.littleEndian) { bytes.append(contentsOf: $0) }
        let fields = [version, width, height, referenceTimestamp == 0 ? flags | Self.intraFrameFlag : flags,
                      colorspace, transferFunction, ycbcrEncoding, quantization]
        for value in fields { withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) } }
        return bytes
    }

    var isIntraFrame: Bool { flags & Self.intraFrameFlag != 0 }

    /// V4L2_CID_STATELESS_FWHT_PARAMS.
    static let parametersControl = CV4L2_CID_STATELESS_FWHT_PARAMS
}

/// Why a recorded buffer is not an FWHT frame.
struct FWHTFrameError: Error, CustomStringConvertible {
    var reason: String
    var description: String { reason }
}
