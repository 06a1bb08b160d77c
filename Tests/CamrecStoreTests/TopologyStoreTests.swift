import CamrecStore
import Foundation
import Testing
import V4L2Vocabulary

/// Index version 4: a media device's graph (entities, interfaces, pads with their formats, links),
/// its migration from version 3, and its way through the chunks (`recover` rebuilds it).
@Suite("Media topology in the store")
struct TopologyStoreTests {
    private func scratch() throws -> String {
        let template = NSTemporaryDirectory() + "/camrec-topology-XXXXXX"
        var bytes = Array(template.utf8CString)
        guard let made = mkdtemp(&bytes) else { throw CocoaError(.fileWriteUnknown) }
        return String(cString: made)
    }

    private func stream() throws -> StreamDescription {
        StreamDescription(id: 1, name: "video5", kind: .video,
                          format: VideoFormat(bufferType: .videoCapture, pixelFormat: try #require(PixelFormat("BA81")),
                                              width: 640, height: 480, field: .none,
                                              planes: [PlaneLayout(bytesPerLine: 640, sizeImage: 640 * 480)]))
    }

    /// A sensor (with a subdevice node and a format on its pad) linked to a capture node, as vimc has them.
    private var graph: MediaGraph {
        let topology = MediaTopology(
            version: 7,
            entities: [MediaEntity(id: 1, name: "Sensor A", function: 0x2_0001, flags: 0),
                       MediaEntity(id: 4, name: "Raw Capture 0", function: 0x1_0001, flags: 0)],
            interfaces: [MediaInterface(id: 3, type: 0x203, flags: 0, deviceNumber: DeviceNumber(major: 81, minor: 1),
                                        deviceNode: "/dev/v4l-subdev0"),
                         MediaInterface(id: 6, type: 0x200, flags: 0, deviceNumber: DeviceNumber(major: 81, minor: 5))],
            pads: [MediaPad(id: 2, entityID: 1, flags: MediaPad.sourceFlag, index: 0),
                   MediaPad(id: 5, entityID: 4, flags: MediaPad.sinkFlag | MediaPad.mustConnectFlag, index: 0)],
            links: [MediaLink(id: 7, sourceID: 3, sinkID: 1, flags: MediaLink.interfaceLinkType | MediaLink.enabledFlag),
                    MediaLink(id: 8, sourceID: 2, sinkID: 5, flags: MediaLink.enabledFlag | MediaLink.immutableFlag)])
        var format = SubdeviceFormat(code: 0x3001, width: 640, height: 480, field: .none, colorspace: 8, ycbcrEncoding: 1,
                                     quantization: 1, transferFunction: 2, intervalNumerator: 1, intervalDenominator: 30)
        format.cropBounds = Rectangle(width: 640, height: 480)
        format.crop = Rectangle(left: 8, top: -2, width: 320, height: 240)
        return MediaGraph(id: 1, path: "/dev/media2",
                          device: MediaDeviceInfo(driver: "vimc", model: "VIMC MDEV", serial: "", busInfo: "platform:vimc",
                                                  mediaVersion: 0x06_01_00, hardwareRevision: 0, driverVersion: 0x06_01_00),
                          topology: topology, padFormats: [PadFormat(padID: 2, format: format)], streamIDs: [1],
                          monotonicNanoseconds: 123)
    }

    private func record(at path: String) throws {
        let info = RecordingInfo(camrecVersion: "test", host: "host", commandLine: "test", startWallNanoseconds: 1,
                                 startMonotonicNanoseconds: 2, source: "test", requestToleranceNanoseconds: 0)
        let writer = try RecordingWriter(path: path, info: info, streams: [try stream()])
        var unnumbered = graph
        unnumbered.id = 0
        try writer.addMediaGraph(unnumbered)
        try writer.close(stopReason: "test")
    }

    @Test("a media graph reads back from the index as it was written, the pad format and device nodes included")
    func topologyRoundTripsThroughTheIndex() throws {
        let folder = try scratch()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/topology.camrec"
        try record(at: path)
        let reader = try RecordingReader(path: path)
        #expect(try RecordedTopology.load(from: reader.index) == [graph])
        #expect(SubdeviceFormat(code: 0x3001, width: 640, height: 480, field: .none, colorspace: 8).mediaCtlDescription
            == "fmt:SBGGR8_1X8/640x480 field:none colorspace:srgb")
        #expect(graph.padFormats[0].format.mediaCtlDescription
            == "fmt:SBGGR8_1X8/640x480@1/30 field:none colorspace:srgb xfer:srgb ycbcr:601 quantization:full-range"
                + "\n\t\t crop.bounds:(0,0)/640x480\n\t\t crop:(8,-2)/320x240")
    }

    @Test("recover rebuilds the media graph from the chunks alone")
    func recoverRestoresTopology() throws {
        let folder = try scratch()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/topology.camrec"
        try record(at: path)
        try FileManager.default.removeItem(atPath: path + "/index.sqlite")
        let report = try Recovery.recover(path: path)
        #expect(report.losses.isEmpty)
        #expect(try RecordedTopology.load(from: try RecordingReader(path: path).index) == [graph])
    }

    @Test("a version 3 index reads as having no topology; opened for writing it migrates to the current version with empty tables")
    func version3IndexMigratesToTopology() throws {
        let folder = try scratch()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/v3.camrec"
        let info = RecordingInfo(camrecVersion: "test", host: "host", commandLine: "test", startWallNanoseconds: 1,
                                 startMonotonicNanoseconds: 2, source: "test", requestToleranceNanoseconds: 0)
        try RecordingWriter(path: path, info: info, streams: [try stream()]).close(stopReason: "test")
        // Make it the index a version 3 camrec wrote: without the tables of 004 and later, user_version 3
        // (005 redefines the gaps view, which it drops first, so the view may stay).
        let database = try SQLiteDatabase(path: path + "/index.sqlite", mode: .readWrite)
        for table in [
            "deleted_chunks", "events", "control_menus", "media_links", "media_pad_selections", "media_pads",
            "media_interfaces", "media_entities", "media_streams", "media_devices",
        ] {
            try database.execute("DROP TABLE \(table)")
        }
        try database.execute("PRAGMA user_version = 3")

        let readOnly = try RecordingReader(path: path)
        #expect(readOnly.index.schemaVersion == 3)
        #expect(try RecordedTopology.load(from: readOnly.index).isEmpty)
        let index = try RecordingIndex.open(path: path + "/index.sqlite", readOnly: false)
        #expect(index.schemaVersion == IndexSchema.currentVersion)
        #expect(try index.database.userVersion() == IndexSchema.currentVersion)
        #expect(try index.database.scalar("SELECT COUNT(*) FROM media_devices") == 0)
        try index.insertMediaGraph(graph)
        #expect(try RecordedTopology.load(from: RecordingIndex.open(path: path + "/index.sqlite", readOnly: false)) == [graph])
    }
}
