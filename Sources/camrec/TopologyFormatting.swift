import CamrecStore
import V4L2Vocabulary

/// `camrec info --topology`: each recorded media device's graph as `media-ctl -p` prints it
/// (device information, then every entity with its pads, their active formats and links), as read
/// when the recording started.
enum TopologyFormatting {
    static func text(_ graphs: [MediaGraph], streams: [StreamDescription]) -> String {
        guard !graphs.isEmpty else {
            return "No media topology recorded: a recording made by an older camrec (index version 3 or before), "
                + "from the synthetic camera, or from devices without a media controller.\n"
        }
        let names = Dictionary(streams.map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
        var out = ""
        for graph in graphs {
            let recorded = graph.streamIDs.map { "'\(names[$0] ?? String($0))'" }.joined(separator: ", ")
            out += "Media device \(graph.path)" + (recorded.isEmpty ? "" : " (recorded streams \(recorded))") + "\n"
            out += "Media controller API version \(MediaDeviceInfo.versionText(graph.device.mediaVersion))\n\n"
            out += "Media device information\n------------------------\n"
            out += "driver          \(graph.device.driver)\n"
            out += "model           \(graph.device.model)\n"
            out += "serial          \(graph.device.serial)\n"
            out += "bus info        \(graph.device.busInfo)\n"
            out += "hw revision     0x\(String(graph.device.hardwareRevision, radix: 16))\n"
            out += "driver version  \(MediaDeviceInfo.versionText(graph.device.driverVersion))\n\n"
            out += "Device topology\n"
            for entity in graph.topology.entities.sorted(by: { $0.id < $1.id }) {
                out += self.entity(entity, in: graph)
            }
        }
        return out
    }

    /// One entity as media-ctl prints it, followed by an empty line.
    private static func entity(_ entity: MediaEntity, in graph: MediaGraph) -> String {
        let topology = graph.topology
        let pads = topology.pads(of: entity)
        let links = topology.dataLinks(of: entity).sorted { $0.id < $1.id }
        let interface = topology.interface(of: entity)
        let heading = "- entity \(entity.id): "
        let indent = String(repeating: " ", count: heading.count)
        var out = heading + "\(entity.name) (\(pads.count) pad\(pads.count > 1 ? "s" : ""), "
            + "\(links.count) link\(links.count > 1 ? "s" : ""))\n"
        out += indent + "type \(typeName(entity, interface: interface)) flags \(String(entity.flags, radix: 16))\n"
        if let node = interface?.deviceNode { out += indent + "device node name \(node)\n" }
        for pad in pads {
            out += "\tpad\(pad.index): \(pad.flagNames)\n"
            if let format = graph.format(of: pad) { out += "\t\t[\(format.mediaCtlDescription)]\n" }
            for link in links {
                if link.sourceID == pad.id, let (name, index) = padName(link.sinkID, in: topology) {
                    out += "\t\t-> \"\(name)\":\(index) [\(link.flagNames)]\n"
                } else if link.sinkID == pad.id, let (name, index) = padName(link.sourceID, in: topology) {
                    out += "\t\t<- \"\(name)\":\(index) [\(link.flagNames)]\n"
                }
            }
        }
        return out + "\n"
    }

    /// The entity name and pad index of a pad id.
    private static func padName(_ padID: UInt32, in topology: MediaTopology) -> (entity: String, index: UInt32)? {
        guard let pad = topology.pads.first(where: { $0.id == padID }),
              let entity = topology.entities.first(where: { $0.id == pad.entityID }) else { return nil }
        return (entity.name, pad.index)
    }

    /// media-ctl's "V4L2 subdev subtype Sensor" or "Node subtype V4L", from the entity's function
    /// and its interface, the way the kernel derives the old entity type (MEDIA_IOC_ENUM_ENTITIES).
    private static func typeName(_ entity: MediaEntity, interface: MediaInterface?) -> String {
        let subdeviceSubtypes: [UInt32: String] = [0x2_0001: "Sensor", 0x2_0002: "Flash", 0x2_0003: "Lens",
                                                   0x2_0004: "Decoder", 0x2_0005: "Tuner"]
        if entity.function == MediaEntity.functionV4L2IO { return "Node subtype V4L" }
        if let subtype = subdeviceSubtypes[entity.function] { return "V4L2 subdev subtype \(subtype)" }
        if interface?.type == MediaInterface.typeV4L2Subdevice || interface == nil { return "V4L2 subdev subtype Unknown" }
        return "Node subtype Unknown"
    }
}
