import CV4L2
import V4L2Vocabulary
#if canImport(Glibc)
import Glibc
#endif

/// A selection target (`V4L2_SEL_TGT_*`): for codecs, CROP on the OUTPUT queue is an encoder's
/// visible rectangle of the raw frames, COMPOSE on the CAPTURE queue a decoder's visible
/// rectangle of the decoded frames (dev-encoder.rst, dev-decoder.rst).
public enum SelectionTarget: UInt32, Sendable, CustomStringConvertible {
    case crop = 0x0000
    case cropDefault = 0x0001
    case cropBounds = 0x0002
    case compose = 0x0100
    case composeDefault = 0x0101
    case composeBounds = 0x0102

    public var description: String {
        switch self {
        case .crop: "crop"
        case .cropDefault: "crop default"
        case .cropBounds: "crop bounds"
        case .compose: "compose"
        case .composeDefault: "compose default"
        case .composeBounds: "compose bounds"
        }
    }
}

extension BufferQueue {
    /// VIDIOC_G_SELECTION on this queue.
    public func selection(_ target: SelectionTarget) throws(V4L2Error) -> Rectangle {
        var raw = v4l2_selection()
        raw.type = type.selectionType
        raw.target = target.rawValue
        try descriptor.ioctl(.getSelection, &raw, context: "\(target) of the \(type) queue")
        return Rectangle(left: raw.r.left, top: raw.r.top, width: raw.r.width, height: raw.r.height)
    }

    /// VIDIOC_S_SELECTION on this queue; returns the rectangle the driver set (it may adjust it).
    @discardableResult
    public func setSelection(_ target: SelectionTarget, to rectangle: Rectangle) throws(V4L2Error) -> Rectangle {
        var raw = v4l2_selection()
        raw.type = type.selectionType
        raw.target = target.rawValue
        raw.r = v4l2_rect(left: rectangle.left, top: rectangle.top, width: rectangle.width, height: rectangle.height)
        try descriptor.ioctl(.setSelection, &raw, context: "\(target) \(rectangle) on the \(type) queue")
        return Rectangle(left: raw.r.left, top: raw.r.top, width: raw.r.width, height: raw.r.height)
    }
}

extension BufferType {
    /// The selection API names queues by their single-planar type (the core maps multi-planar ones).
    var selectionType: UInt32 {
        switch self {
        case .videoCaptureMultiplanar: BufferType.videoCapture.rawValue
        case .videoOutputMultiplanar: BufferType.videoOutput.rawValue
        default: rawValue
        }
    }
}
