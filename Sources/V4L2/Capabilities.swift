import CV4L2

/// The V4L2_CAP_* bits of `struct v4l2_capability` (`capabilities` or `device_caps`), with the
/// names camrec prints for them.
public struct DeviceCapabilities: OptionSet, Sendable, Hashable, CustomStringConvertible {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let videoCapture = DeviceCapabilities(rawValue: UInt32(V4L2_CAP_VIDEO_CAPTURE))
    public static let videoOutput = DeviceCapabilities(rawValue: UInt32(V4L2_CAP_VIDEO_OUTPUT))
    public static let videoOverlay = DeviceCapabilities(rawValue: UInt32(V4L2_CAP_VIDEO_OVERLAY))
    public static let vbiCapture = DeviceCapabilities(rawValue: UInt32(V4L2_CAP_VBI_CAPTURE))
    public static let vbiOutput = DeviceCapabilities(rawValue: UInt32(V4L2_CAP_VBI_OUTPUT))
    public static let slicedVBICapture = DeviceCapabilities(rawValue: UInt32(V4L2_CAP_SLICED_VBI_CAPTURE))
    public static let slicedVBIOutput = DeviceCapabilities(rawValue: UInt32(V4L2_CAP_SLICED_VBI_OUTPUT))
    public static let rdsCapture = DeviceCapabilities(rawValue: UInt32(V4L2_CAP_RDS_CAPTURE))
    public static let videoOutputOverlay = DeviceCapabilities(rawValue: UInt32(V4L2_CAP_VIDEO_OUTPUT_OVERLAY))
    public static let hardwareFrequencySeek = DeviceCapabilities(rawValue: UInt32(V4L2_CAP_HW_FREQ_SEEK))
    public static let rdsOutput = DeviceCapabilities(rawValue: UInt32(V4L2_CAP_RDS_OUTPUT))
    public static let videoCaptureMultiplanar = DeviceCapabilities(rawValue: UInt32(V4L2_CAP_VIDEO_CAPTURE_MPLANE))
    public static let videoOutputMultiplanar = DeviceCapabilities(rawValue: UInt32(V4L2_CAP_VIDEO_OUTPUT_MPLANE))
    public static let videoMemoryToMemoryMultiplanar = DeviceCapabilities(rawValue: UInt32(V4L2_CAP_VIDEO_M2M_MPLANE))
    public static let videoMemoryToMemory = DeviceCapabilities(rawValue: UInt32(V4L2_CAP_VIDEO_M2M))
    public static let tuner = DeviceCapabilities(rawValue: UInt32(V4L2_CAP_TUNER))
    public static let audio = DeviceCapabilities(rawValue: UInt32(V4L2_CAP_AUDIO))
    public static let radio = DeviceCapabilities(rawValue: UInt32(V4L2_CAP_RADIO))
    public static let modulator = DeviceCapabilities(rawValue: UInt32(V4L2_CAP_MODULATOR))
    public static let sdrCapture = DeviceCapabilities(rawValue: UInt32(V4L2_CAP_SDR_CAPTURE))
    public static let extendedPixelFormat = DeviceCapabilities(rawValue: UInt32(V4L2_CAP_EXT_PIX_FORMAT))
    public static let sdrOutput = DeviceCapabilities(rawValue: UInt32(V4L2_CAP_SDR_OUTPUT))
    public static let metaCapture = DeviceCapabilities(rawValue: UInt32(V4L2_CAP_META_CAPTURE))
    public static let readWrite = DeviceCapabilities(rawValue: UInt32(V4L2_CAP_READWRITE))
    public static let streaming = DeviceCapabilities(rawValue: UInt32(V4L2_CAP_STREAMING))
    public static let metaOutput = DeviceCapabilities(rawValue: UInt32(V4L2_CAP_META_OUTPUT))
    public static let touch = DeviceCapabilities(rawValue: UInt32(V4L2_CAP_TOUCH))
    public static let ioMediaController = DeviceCapabilities(rawValue: UInt32(V4L2_CAP_IO_MC))
    public static let deviceCapabilities = DeviceCapabilities(rawValue: UInt32(V4L2_CAP_DEVICE_CAPS))

    /// Every known bit with its stable name (used by `camrec devices` and its JSON).
    public static let named: [NamedCapability] = [
        NamedCapability(.videoCapture, "video-capture"), NamedCapability(.videoCaptureMultiplanar, "video-capture-mplane"),
        NamedCapability(.videoOutput, "video-output"), NamedCapability(.videoOutputMultiplanar, "video-output-mplane"),
        NamedCapability(.videoMemoryToMemory, "video-m2m"), NamedCapability(.videoMemoryToMemoryMultiplanar, "video-m2m-mplane"),
        NamedCapability(.metaCapture, "meta-capture"), NamedCapability(.metaOutput, "meta-output"),
        NamedCapability(.videoOverlay, "video-overlay"), NamedCapability(.videoOutputOverlay, "video-output-overlay"),
        NamedCapability(.vbiCapture, "vbi-capture"), NamedCapability(.vbiOutput, "vbi-output"),
        NamedCapability(.slicedVBICapture, "sliced-vbi-capture"), NamedCapability(.slicedVBIOutput, "sliced-vbi-output"),
        NamedCapability(.rdsCapture, "rds-capture"), NamedCapability(.rdsOutput, "rds-output"), NamedCapability(.hardwareFrequencySeek, "hw-freq-seek"),
        NamedCapability(.tuner, "tuner"), NamedCapability(.audio, "audio"), NamedCapability(.radio, "radio"), NamedCapability(.modulator, "modulator"),
        NamedCapability(.sdrCapture, "sdr-capture"), NamedCapability(.sdrOutput, "sdr-output"), NamedCapability(.touch, "touch"),
        NamedCapability(.extendedPixelFormat, "ext-pix-format"), NamedCapability(.ioMediaController, "io-mc"),
        NamedCapability(.readWrite, "read-write"), NamedCapability(.streaming, "streaming"), NamedCapability(.deviceCapabilities, "device-caps"),
    ]

    /// The names of the bits that are set, in a fixed order; unknown bits as hex.
    public var names: [String] {
        var names = DeviceCapabilities.named.filter { contains($0.capability) }.map(\.name)
        let known = DeviceCapabilities.named.reduce(into: DeviceCapabilities()) { $0.formUnion($1.capability) }
        let unknown = rawValue & ~known.rawValue
        if unknown != 0 { names.append("0x" + String(unknown, radix: 16)) }
        return names
    }

    public var description: String { names.joined(separator: ", ") }
}

/// One capability bit and the stable name camrec prints for it.
public struct NamedCapability: Sendable {
    public var capability: DeviceCapabilities
    public var name: String

    init(_ capability: DeviceCapabilities, _ name: String) {
        self.capability = capability
        self.name = name
    }
}

/// What VIDIOC_QUERYCAP says about a node (`struct v4l2_capability`).
public struct DeviceInfo: Sendable, Equatable {
    /// The driver's name, e.g. "vivid", "vim2m", "vimc", "uvcvideo".
    public var driver: String
    /// The device's name, e.g. "vivid-000-vid-cap".
    public var card: String
    /// Where the device sits, e.g. "platform:vivid-000", "usb-0000:00:14.0-1".
    public var busInfo: String
    /// The kernel version the driver reports (KERNEL_VERSION packing).
    public var version: UInt32
    /// Capabilities of the whole physical device (all its nodes).
    public var capabilities: DeviceCapabilities
    /// Capabilities of this node; equal to `capabilities` for drivers without V4L2_CAP_DEVICE_CAPS.
    public var nodeCapabilities: DeviceCapabilities

    init(_ raw: v4l2_capability) {
        driver = string(fromCArray: raw.driver)
        card = string(fromCArray: raw.card)
        busInfo = string(fromCArray: raw.bus_info)
        version = raw.version
        capabilities = DeviceCapabilities(rawValue: raw.capabilities)
        let hasDeviceCaps = capabilities.contains(.deviceCapabilities)
        nodeCapabilities = DeviceCapabilities(rawValue: hasDeviceCaps ? raw.device_caps : raw.capabilities)
    }

    /// The kernel version as "6.1.0".
    public var versionString: String { "\(version >> 16).\((version >> 8) & 0xff).\(version & 0xff)" }

    /// Opens `path` only long enough to run VIDIOC_QUERYCAP; works for every V4L2 node, including
    /// those (radio, VBI, touch) that `VideoDevice` does not stream from.
    public static func query(path: String) throws(V4L2Error) -> DeviceInfo {
        let descriptor = try OwnedDescriptor(opening: path)
        return try query(descriptor)
    }

    static func query(_ descriptor: OwnedDescriptor) throws(V4L2Error) -> DeviceInfo {
        var raw = v4l2_capability()
        do {
            try descriptor.ioctl(.queryCapability, &raw)
        } catch where error.kind == .unsupported {
            throw V4L2Error(kind: .wrongNodeKind, operation: "VIDIOC_QUERYCAP", devicePath: descriptor.path,
                            errno: error.errno, reason: "this is not a V4L2 device node",
                            remedy: "Give a /dev/videoN node; `camrec devices` lists them.")
        }
        return DeviceInfo(raw)
    }
}
