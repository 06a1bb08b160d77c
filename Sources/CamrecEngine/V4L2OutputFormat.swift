import CamrecStore
import V4L2
import V4L2Vocabulary

/// The format a recorded stream needs on an output queue (the `v4l2_format` a replay hands to
/// VIDIOC_S_FMT), and the check that what the driver set can carry the recorded bytes unchanged.
/// Drivers adjust rather than refuse (S_FMT returns what they can do), so a replay compares what
/// came back with what was recorded and refuses before any buffer is queued.
public struct V4L2OutputFormat: Sendable, Equatable {
    /// The stream as it was recorded.
    public var stream: StreamDescription
    /// The request for the target's output queue: the recorded code, size, field, colorimetry
    /// (colorspace, ycbcr_enc, quantization, xfer_func), flags and per-plane
    /// bytesperline/sizeimage, on the queue's own buffer type.
    public var request: VideoFormat

    /// Builds the request for an output queue of type `queueType`, or throws `.formatAdjusted`
    /// when the queue cannot carry the stream at all (metadata to a video queue, two memory planes
    /// to a single-planar queue): nothing is asked of the device then.
    public init(stream: StreamDescription, queueType: BufferType, devicePath: String) throws(V4L2Error) {
        self.stream = stream
        let format = stream.format
        let recordedMeta = stream.kind == .meta || format.bufferType.isMeta
        if recordedMeta != queueType.isMeta {
            throw V4L2Error(
                kind: .formatAdjusted, operation: "replay", devicePath: devicePath,
                reason: "cannot replay stream '\(stream.name)': it is a \(recordedMeta ? "metadata" : "video") stream "
                    + "(\(Self.describe(format, meta: recordedMeta))), but \(devicePath) has a \(queueType) queue",
                remedy: "Replay it to a \(recordedMeta ? "metadata output" : "video output or M2M") node "
                    + "(`camrec devices` lists each node's queues), with --to \(stream.name)=/dev/videoN.")
        }
        if !queueType.isMultiplanar && format.planes.count > 1 {
            throw V4L2Error(
                kind: .formatAdjusted, operation: "replay", devicePath: devicePath,
                reason: "cannot replay stream '\(stream.name)': it was recorded with \(format.planes.count) memory planes "
                    + "(\(Self.describe(format, meta: false))), but \(devicePath) has a single-planar \(queueType) queue, which takes 1",
                remedy: "Replay it to a multi-planar output node (vivid with multiplanar=2, for one), or record a single-plane format.")
        }
        request = VideoFormat(
            bufferType: queueType, pixelFormat: format.pixelFormat,
            width: recordedMeta ? 0 : format.width, height: recordedMeta ? 0 : format.height,
            field: recordedMeta ? .any : format.field, colorspace: recordedMeta ? 0 : format.colorspace,
            ycbcrEncoding: recordedMeta ? 0 : format.ycbcrEncoding, quantization: recordedMeta ? 0 : format.quantization,
            transferFunction: recordedMeta ? 0 : format.transferFunction,
            // V4L2_PIX_FMT_FLAG_SET_CSC asks a capture queue to convert; it means nothing on an output queue.
            flags: recordedMeta ? 0 : format.flags & ~Self.setColorimetryFlag,
            planes: format.planes)
    }

    /// Why `offered` (what VIDIOC_S_FMT set) cannot carry the recorded bytes as they are, or nil
    /// when it can: the same code, size, field and number of memory planes, the same line stride
    /// per plane (otherwise every line would be misread), and planes at least as large as recorded.
    /// For a compressed stream into a decoder (`compressed`) only the code matters: the size is
    /// the stream's to announce, and each buffer is checked against the device's buffers.
    public func mismatch(offered: VideoFormat, compressed: Bool = false) -> String? {
        var problems: [String] = []
        if offered.pixelFormat != request.pixelFormat { problems.append("format \(offered.pixelFormat) instead of \(request.pixelFormat)") }
        if compressed { return problems.isEmpty ? nil : problems.joined(separator: ", ") }
        if !request.bufferType.isMeta {
            if offered.width != request.width || offered.height != request.height {
                problems.append("size \(offered.width)x\(offered.height) instead of \(request.width)x\(request.height)")
            }
            if request.field != .any && offered.field != request.field {
                problems.append("field \(offered.field) instead of \(request.field)")
            }
        }
        if offered.planes.count != request.planes.count {
            problems.append("\(offered.planes.count) memory planes instead of \(request.planes.count)")
        }
        for (index, (asked, got)) in zip(request.planes, offered.planes).enumerated() {
            if !request.bufferType.isMeta && asked.bytesPerLine != 0 && got.bytesPerLine != asked.bytesPerLine {
                problems.append("plane \(index) bytesperline \(got.bytesPerLine) instead of \(asked.bytesPerLine)")
            }
            if got.sizeImage < asked.sizeImage {
                problems.append("plane \(index) sizeimage \(got.sizeImage) instead of at least \(asked.sizeImage)")
            }
        }
        return problems.isEmpty ? nil : problems.joined(separator: ", ")
    }

    /// V4L2_PIX_FMT_FLAG_SET_CSC.
    static let setColorimetryFlag: UInt32 = 0x2

    /// The colorimetry fields the device set otherwise than recorded, as v4l2-ctl names them
    /// ("quantization default instead of full-range"); empty when it kept them. Only a raw video
    /// stream is compared: a compressed stream carries its colorimetry in the bitstream, and a
    /// decoder reports what it likes on its output queue. A field recorded as 0 (DEFAULT, as a
    /// v1 recording reads) asked for nothing, so any value satisfies it.
    public func colorimetryChanges(offered: VideoFormat) -> [String] {
        guard !request.bufferType.isMeta, !stream.format.pixelFormat.isCompressed else { return [] }
        var changes: [String] = []
        func compare(_ name: String, _ asked: UInt32, _ got: UInt32, _ text: (UInt32) -> String) {
            if asked != 0 && got != asked { changes.append("\(name) \(text(got)) instead of \(text(asked))") }
        }
        compare("colorspace", request.colorspace, offered.colorspace, FormatNames.colorspace)
        compare("ycbcr-enc", request.ycbcrEncoding, offered.ycbcrEncoding, FormatNames.ycbcrEncoding)
        compare("quantization", request.quantization, offered.quantization, FormatNames.quantization)
        compare("xfer-func", request.transferFunction, offered.transferFunction, FormatNames.transferFunction)
        return changes
    }

    /// The error for a device that adjusted the request: what was recorded, what the device offered
    /// (and which formats its queue lists), and what to do.
    /// `offered` is nil when the driver rejected the request outright (EINVAL, as vim2m does for
    /// a code its output queue does not list).
    public func refusal(offered: VideoFormat?, listed: [PixelFormat], device: String, mismatch: String,
                        errno: Int32? = nil) -> V4L2Error {
        let meta = request.bufferType.isMeta
        let listing = listed.isEmpty ? "" : "; its \(request.bufferType) queue lists "
            + listed.map(\.description).joined(separator: ", ")
        let verdict = offered.map { "the device adjusted that to \($0) (\(mismatch))" } ?? "the device rejected that (\(mismatch))"
        return V4L2Error(
            kind: .formatAdjusted, operation: "VIDIOC_S_FMT", devicePath: device, errno: errno,
            reason: "cannot replay stream '\(stream.name)': it was recorded as \(Self.describe(stream.format, meta: meta)), "
                + "but \(verdict)\(listing)",
            remedy: "Nothing was queued. Replay to a node that takes \(request.pixelFormat)"
                + (meta ? "" : " at \(request.width)x\(request.height)")
                + " (`camrec devices` lists each node's formats), or record the stream in a format \(device) lists.")
    }

    /// "320x240 RGB3 field none colorspace srgb (bytesperline/sizeimage 960/230400)" or "VIVD
    /// buffer 8 bytes"; colorimetry fields at 0 (DEFAULT) are left out.
    static func describe(_ format: VideoFormat, meta: Bool) -> String {
        if meta { return "\(format.pixelFormat) buffer \(format.planes.first?.sizeImage ?? 0) bytes" }
        var video = format
        video.bufferType = format.bufferType.isMeta ? .videoCapture : format.bufferType
        return video.description
    }
}
