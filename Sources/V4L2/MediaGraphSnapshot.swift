import CV4L2
import V4L2Vocabulary
#if canImport(Glibc)
import Glibc
#endif

extension MediaDevice {
    /// The device's graph with the active format on every pad of each subdevice that has a node
    /// (VIDIOC_SUBDEV_G_FMT and VIDIOC_SUBDEV_G_FRAME_INTERVAL on /dev/v4l-subdevN), as `media-ctl
    /// -p` shows it. A subdevice whose node cannot be opened, or a pad it gives no format for, is
    /// left without a format rather than failing: the graph is kept for the bug report either way.
    public func graph(streamIDs: [Int] = [], at monotonicNanoseconds: Int64 = 0) throws(V4L2Error) -> MediaGraph {
        let topology = try topology()
        var formats: [PadFormat] = []
        for entity in topology.entities {
            guard let interface = topology.interface(of: entity), interface.type == MediaInterface.typeV4L2Subdevice,
                  let node = interface.deviceNode, let subdevice = try? OwnedDescriptor(opening: node) else { continue }
            for pad in topology.pads(of: entity) {
                if let format = Self.activeFormat(of: subdevice, pad: pad.index) {
                    formats.append(PadFormat(padID: pad.id, format: format))
                }
            }
        }
        return MediaGraph(path: path, device: info, topology: topology, padFormats: formats, streamIDs: streamIDs,
                          monotonicNanoseconds: monotonicNanoseconds)
    }

    /// VIDIOC_SUBDEV_G_FMT (V4L2_SUBDEV_FORMAT_ACTIVE) of one pad with its frame interval and
    /// selection rectangles, or nil when the subdevice gives no format for it.
    private static func activeFormat(of subdevice: OwnedDescriptor, pad: UInt32) -> SubdeviceFormat? {
        var raw = v4l2_subdev_format()
        raw.which = UInt32(V4L2_SUBDEV_FORMAT_ACTIVE.rawValue)
        raw.pad = pad
        guard (try? subdevice.ioctl(.subdeviceGetFormat, &raw)) != nil else { return nil }
        let mbus = raw.format
        var format = SubdeviceFormat(code: mbus.code, width: mbus.width, height: mbus.height, field: Field(rawValue: mbus.field),
                                     colorspace: mbus.colorspace, ycbcrEncoding: UInt32(mbus.ycbcr_enc),
                                     quantization: UInt32(mbus.quantization), transferFunction: UInt32(mbus.xfer_func))
        var interval = v4l2_subdev_frame_interval()
        interval.pad = pad
        // Most subdevices other than sensors have no frame interval (ENOTTY or EINVAL): none is printed then.
        if (try? subdevice.ioctl(.subdeviceGetFrameInterval, &interval)) != nil {
            format.intervalNumerator = interval.interval.numerator
            format.intervalDenominator = interval.interval.denominator
        }
        // Only pads that crop or compose have these (vimc's scaler sink); the others answer EINVAL.
        format.cropBounds = selection(of: subdevice, pad: pad, target: .cropBounds)
        format.crop = selection(of: subdevice, pad: pad, target: .crop)
        format.composeBounds = selection(of: subdevice, pad: pad, target: .composeBounds)
        format.compose = selection(of: subdevice, pad: pad, target: .compose)
        return format
    }

    /// VIDIOC_SUBDEV_G_SELECTION (active) of one target of a pad, or nil when the pad has none.
    private static func selection(of subdevice: OwnedDescriptor, pad: UInt32, target: SelectionTarget) -> Rectangle? {
        var raw = v4l2_subdev_selection()
        raw.which = UInt32(V4L2_SUBDEV_FORMAT_ACTIVE.rawValue)
        raw.pad = pad
        raw.target = target.rawValue
        guard (try? subdevice.ioctl(.subdeviceGetSelection, &raw)) != nil else { return nil }
        return Rectangle(left: raw.r.left, top: raw.r.top, width: raw.r.width, height: raw.r.height)
    }
}
