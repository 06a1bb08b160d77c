import V4L2Vocabulary

/// The media graphs of an index (version 4): for each media controller a recorded node belongs to,
/// its identity, entities, interfaces, pads with their active formats, and links, as read at the
/// start of the recording. An older index has none and reads as empty.
public enum RecordedTopology {
    public static func load(from index: RecordingIndex) throws(StoreError) -> [MediaGraph] {
        guard index.schemaVersion >= 4 else { return [] }
        let database = index.database
        let devices = try database.prepare("""
            SELECT id, path, driver, model, serial, bus_info, media_version, hw_revision, driver_version,
                topology_version, monotonic_ns FROM media_devices ORDER BY id
            """)
        var graphs: [MediaGraph] = []
        while try devices.step() {
            let info = MediaDeviceInfo(driver: devices.text(2), model: devices.text(3), serial: devices.text(4),
                                       busInfo: devices.text(5), mediaVersion: uint32(devices.int64(6)),
                                       hardwareRevision: uint32(devices.int64(7)), driverVersion: uint32(devices.int64(8)))
            graphs.append(MediaGraph(id: Int(devices.int64(0)), path: devices.text(1), device: info,
                                     topology: MediaTopology(version: UInt64(bitPattern: devices.int64(9)), entities: [],
                                                             interfaces: [], pads: [], links: []),
                                     monotonicNanoseconds: devices.int64(10)))
        }
        for index in graphs.indices {
            let media: [SQLiteValue] = [.integer(Int64(graphs[index].id))]
            let streams = try database.prepare("SELECT stream_id FROM media_streams WHERE media_id = ? ORDER BY stream_id")
            try streams.bind(media)
            while try streams.step() { graphs[index].streamIDs.append(Int(streams.int64(0))) }

            let entities = try database.prepare("SELECT id, name, function, flags FROM media_entities WHERE media_id = ? ORDER BY id")
            try entities.bind(media)
            while try entities.step() {
                graphs[index].topology.entities.append(MediaEntity(id: uint32(entities.int64(0)), name: entities.text(1),
                                                                   function: uint32(entities.int64(2)),
                                                                   flags: uint32(entities.int64(3))))
            }
            let interfaces = try database.prepare(
                "SELECT id, type, flags, major, minor, device_node FROM media_interfaces WHERE media_id = ? ORDER BY id")
            try interfaces.bind(media)
            while try interfaces.step() {
                graphs[index].topology.interfaces.append(MediaInterface(
                    id: uint32(interfaces.int64(0)), type: uint32(interfaces.int64(1)), flags: uint32(interfaces.int64(2)),
                    deviceNumber: DeviceNumber(major: uint32(interfaces.int64(3)), minor: uint32(interfaces.int64(4))),
                    deviceNode: interfaces.optionalText(5)))
            }
            let pads = try database.prepare("""
                SELECT id, entity_id, pad_index, flags, mbus_code, width, height, field, colorspace, ycbcr_enc, quantization,
                    xfer_func, interval_numerator, interval_denominator FROM media_pads WHERE media_id = ? ORDER BY id
                """)
            try pads.bind(media)
            while try pads.step() {
                let pad = MediaPad(id: uint32(pads.int64(0)), entityID: uint32(pads.int64(1)), flags: uint32(pads.int64(3)),
                                   index: uint32(pads.int64(2)))
                graphs[index].topology.pads.append(pad)
                if let code = pads.optionalInt64(4) {
                    let format = SubdeviceFormat(
                        code: uint32(code), width: uint32(pads.int64(5)), height: uint32(pads.int64(6)),
                        field: Field(rawValue: uint32(pads.int64(7))), colorspace: uint32(pads.int64(8)),
                        ycbcrEncoding: uint32(pads.int64(9)), quantization: uint32(pads.int64(10)),
                        transferFunction: uint32(pads.int64(11)), intervalNumerator: uint32(pads.int64(12)),
                        intervalDenominator: uint32(pads.int64(13)))
                    graphs[index].padFormats.append(PadFormat(padID: pad.id, format: format))
                }
            }
            let selections = try database.prepare(
                "SELECT pad_id, target, left, top, width, height FROM media_pad_selections WHERE media_id = ? ORDER BY pad_id, target")
            try selections.bind(media)
            while try selections.step() {
                let padID = uint32(selections.int64(0))
                guard let formatIndex = graphs[index].padFormats.firstIndex(where: { $0.padID == padID }) else { continue }
                let rectangle = Rectangle(left: Int32(truncatingIfNeeded: selections.int64(2)),
                                          top: Int32(truncatingIfNeeded: selections.int64(3)),
                                          width: uint32(selections.int64(4)), height: uint32(selections.int64(5)))
                switch uint32(selections.int64(1)) {
                case SelectionTargets.crop: graphs[index].padFormats[formatIndex].format.crop = rectangle
                case SelectionTargets.cropBounds: graphs[index].padFormats[formatIndex].format.cropBounds = rectangle
                case SelectionTargets.compose: graphs[index].padFormats[formatIndex].format.compose = rectangle
                case SelectionTargets.composeBounds: graphs[index].padFormats[formatIndex].format.composeBounds = rectangle
                default: continue  // A target a newer camrec stores.
                }
            }
            let links = try database.prepare("SELECT id, source_id, sink_id, flags FROM media_links WHERE media_id = ? ORDER BY id")
            try links.bind(media)
            while try links.step() {
                graphs[index].topology.links.append(MediaLink(id: uint32(links.int64(0)), sourceID: uint32(links.int64(1)),
                                                              sinkID: uint32(links.int64(2)), flags: uint32(links.int64(3))))
            }
        }
        return graphs
    }

    /// V4L2_SEL_TGT_* as the `media_pad_selections.target` column stores them.
    enum SelectionTargets {
        static let crop: UInt32 = 0x0000
        static let cropBounds: UInt32 = 0x0002
        static let compose: UInt32 = 0x0100
        static let composeBounds: UInt32 = 0x0102
    }

    /// A stored 32-bit value; one outside the range (a damaged index) reads as its low 32 bits.
    private static func uint32(_ value: Int64) -> UInt32 { UInt32(truncatingIfNeeded: value) }
}

extension RecordingIndex {
    /// Inserts a media graph with its streams, entities, interfaces, pads (and formats) and links.
    /// An id the graph lists twice (only a damaged chunk's record can) keeps its first row, so
    /// `recover` still rebuilds the rest.
    public func insertMediaGraph(_ graph: MediaGraph) throws(StoreError) {
        let media = Int64(graph.id)
        let info = graph.device
        try database.prepare("""
            INSERT INTO media_devices (id, path, driver, model, serial, bus_info, media_version, hw_revision, driver_version,
                topology_version, monotonic_ns) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).run([
                .integer(media), .text(graph.path), .text(info.driver), .text(info.model), .text(info.serial),
                .text(info.busInfo), .integer(Int64(info.mediaVersion)), .integer(Int64(info.hardwareRevision)),
                .integer(Int64(info.driverVersion)), .integer(Int64(bitPattern: graph.topology.version)),
                .integer(graph.monotonicNanoseconds),
            ])
        let stream = try database.prepare("INSERT OR IGNORE INTO media_streams (media_id, stream_id) VALUES (?, ?)")
        for streamID in graph.streamIDs { try stream.run([.integer(media), .integer(Int64(streamID))]) }
        let entity = try database.prepare("INSERT OR IGNORE INTO media_entities (media_id, id, name, function, flags) VALUES (?, ?, ?, ?, ?)")
        for item in graph.topology.entities {
            try entity.run([.integer(media), .integer(Int64(item.id)), .text(item.name), .integer(Int64(item.function)),
                            .integer(Int64(item.flags))])
        }
        let interface = try database.prepare(
            "INSERT OR IGNORE INTO media_interfaces (media_id, id, type, flags, major, minor, device_node) VALUES (?, ?, ?, ?, ?, ?, ?)")
        for item in graph.topology.interfaces {
            try interface.run([.integer(media), .integer(Int64(item.id)), .integer(Int64(item.type)), .integer(Int64(item.flags)),
                               .integer(Int64(item.deviceNumber.major)), .integer(Int64(item.deviceNumber.minor)),
                               item.deviceNode.map { .text($0) } ?? .null])
        }
        let pad = try database.prepare("""
            INSERT OR IGNORE INTO media_pads (media_id, id, entity_id, pad_index, flags, mbus_code, width, height, field, colorspace,
                ycbcr_enc, quantization, xfer_func, interval_numerator, interval_denominator)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        for item in graph.topology.pads {
            let format = graph.format(of: item)
            func column(_ value: (SubdeviceFormat) -> UInt32) -> SQLiteValue {
                format.map { .integer(Int64(value($0))) } ?? .null
            }
            try pad.run([
                .integer(media), .integer(Int64(item.id)), .integer(Int64(item.entityID)), .integer(Int64(item.index)),
                .integer(Int64(item.flags)), column(\.code), column(\.width), column(\.height), column(\.field.rawValue),
                column(\.colorspace), column(\.ycbcrEncoding), column(\.quantization), column(\.transferFunction),
                column(\.intervalNumerator), column(\.intervalDenominator),
            ])
        }
        let selection = try database.prepare("""
            INSERT OR IGNORE INTO media_pad_selections (media_id, pad_id, target, left, top, width, height)
                VALUES (?, ?, ?, ?, ?, ?, ?)
            """)
        for padFormat in graph.padFormats {
            let format = padFormat.format
            let rectangles: [(UInt32, Rectangle?)] = [
                (RecordedTopology.SelectionTargets.cropBounds, format.cropBounds), (RecordedTopology.SelectionTargets.crop, format.crop),
                (RecordedTopology.SelectionTargets.composeBounds, format.composeBounds),
                (RecordedTopology.SelectionTargets.compose, format.compose),
            ]
            for case let (target, rectangle?) in rectangles {
                try selection.run([.integer(media), .integer(Int64(padFormat.padID)), .integer(Int64(target)),
                                   .integer(Int64(rectangle.left)), .integer(Int64(rectangle.top)),
                                   .integer(Int64(rectangle.width)), .integer(Int64(rectangle.height))])
            }
        }
        let link = try database.prepare("INSERT OR IGNORE INTO media_links (media_id, id, source_id, sink_id, flags) VALUES (?, ?, ?, ?, ?)")
        for item in graph.topology.links {
            try link.run([.integer(media), .integer(Int64(item.id)), .integer(Int64(item.sourceID)),
                          .integer(Int64(item.sinkID)), .integer(Int64(item.flags))])
        }
    }
}
