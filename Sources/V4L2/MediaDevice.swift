import CV4L2
import V4L2Vocabulary
#if canImport(Glibc)
import Glibc
#endif

/// An open media-controller node (`/dev/mediaN`): the device's identity (MEDIA_IOC_DEVICE_INFO)
/// and its graph of entities, interfaces, pads and links (MEDIA_IOC_G_TOPOLOGY).
public final class MediaDevice {
    public let path: String
    public let info: MediaDeviceInfo
    let descriptor: OwnedDescriptor

    public init(path: String) throws(V4L2Error) {
        let descriptor = try OwnedDescriptor(opening: path)
        var raw = media_device_info()
        try descriptor.ioctl(.mediaDeviceInfo, &raw)
        self.descriptor = descriptor
        self.path = path
        info = MediaDeviceInfo(driver: string(fromCArray: raw.driver), model: string(fromCArray: raw.model),
                               serial: string(fromCArray: raw.serial), busInfo: string(fromCArray: raw.bus_info),
                               mediaVersion: raw.media_version, hardwareRevision: raw.hw_revision,
                               driverVersion: raw.driver_version)
    }

    /// MEDIA_IOC_G_TOPOLOGY: the whole graph, retried if it changes between the two calls.
    public func topology() throws(V4L2Error) -> MediaTopology {
        for _ in 0..<8 {
            var counts = media_v2_topology()
            try descriptor.ioctl(.mediaTopology, &counts, context: "counting")
            var entities = [media_v2_entity](repeating: media_v2_entity(), count: Int(counts.num_entities))
            var interfaces = [media_v2_interface](repeating: media_v2_interface(), count: Int(counts.num_interfaces))
            var pads = [media_v2_pad](repeating: media_v2_pad(), count: Int(counts.num_pads))
            var links = [media_v2_link](repeating: media_v2_link(), count: Int(counts.num_links))
            var raw = counts
            let fd = descriptor.rawValue
            let failure: Int32? = entities.withUnsafeMutableBufferPointer { entityBuffer in
                interfaces.withUnsafeMutableBufferPointer { interfaceBuffer in
                    pads.withUnsafeMutableBufferPointer { padBuffer in
                        links.withUnsafeMutableBufferPointer { linkBuffer in
                            raw.ptr_entities = UInt64(UInt(bitPattern: entityBuffer.baseAddress))
                            raw.ptr_interfaces = UInt64(UInt(bitPattern: interfaceBuffer.baseAddress))
                            raw.ptr_pads = UInt64(UInt(bitPattern: padBuffer.baseAddress))
                            raw.ptr_links = UInt64(UInt(bitPattern: linkBuffer.baseAddress))
                            return cv4l2_ioctl(fd, CV4L2_MEDIA_IOC_G_TOPOLOGY, &raw) == 0 ? nil : errno
                        }
                    }
                }
            }
            // ENOSPC: the graph grew between the two calls; count again.
            if failure == ENOSPC { continue }
            if let failure { throw V4L2Error(operation: "MEDIA_IOC_G_TOPOLOGY", devicePath: path, errno: failure) }
            guard raw.topology_version == counts.topology_version else { continue }
            return MediaTopology(
                version: raw.topology_version,
                entities: entities.prefix(Int(raw.num_entities)).map {
                    MediaEntity(id: $0.id, name: string(fromCArray: $0.name), function: $0.function, flags: $0.flags)
                },
                interfaces: interfaces.prefix(Int(raw.num_interfaces)).map {
                    let number = DeviceNumber(major: $0.devnode.major, minor: $0.devnode.minor)
                    return MediaInterface(id: $0.id, type: $0.intf_type, flags: $0.flags, deviceNumber: number,
                                          deviceNode: DeviceDiscovery.devicePath(of: number))
                },
                pads: pads.prefix(Int(raw.num_pads)).map {
                    MediaPad(id: $0.id, entityID: $0.entity_id, flags: $0.flags, index: $0.index)
                },
                links: links.prefix(Int(raw.num_links)).map {
                    MediaLink(id: $0.id, sourceID: $0.source_id, sinkID: $0.sink_id, flags: $0.flags)
                })
        }
        throw V4L2Error(kind: .system, operation: "MEDIA_IOC_G_TOPOLOGY", devicePath: path,
                        reason: "the topology kept changing while it was read", remedy: "Try again once the device has settled.")
    }

    /// Every `/dev/mediaN` node, in numeric order.
    public static func nodePaths() -> [String] {
        DeviceDiscovery.devicePaths(prefix: "media")
    }

    /// The media device and entity a video node belongs to: the entity linked to the interface
    /// whose device number is the node's. Nil when no media device claims the node (drivers
    /// without a media controller).
    public static func locate(videoNode path: String) throws(V4L2Error) -> MediaLocation? {
        let number = try DeviceNumber(path: path)
        for mediaPath in nodePaths() {
            // A media node we cannot open or read (permissions, a driver going away) cannot
            // claim the video node; keep looking in the others.
            guard let media = try? MediaDevice(path: mediaPath), let topology = try? media.topology() else { continue }
            guard let interface = topology.interfaces.first(where: { $0.deviceNumber == number }) else { continue }
            let entity = topology.links
                .first { $0.isInterfaceLink && $0.sourceID == interface.id }
                .flatMap { link in topology.entities.first { $0.id == link.sinkID } }
            return MediaLocation(mediaDevicePath: mediaPath, mediaDevice: media.info, interface: interface, entity: entity)
        }
        return nil
    }
}

/// Where a video node sits in the media controller: which media device, which interface and entity.
public struct MediaLocation: Sendable, Equatable {
    public var mediaDevicePath: String
    public var mediaDevice: MediaDeviceInfo
    public var interface: MediaInterface
    /// The entity the node's interface links to; nil if the driver links none.
    public var entity: MediaEntity?
}
