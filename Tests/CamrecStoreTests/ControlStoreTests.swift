import CamrecStore
import Foundation
import Testing
import V4L2Vocabulary

/// Index version 3: the devices and controls tables, their migration, and the controls' way
/// through the chunks (the metadata records `recover` rebuilds them from).
@Suite("Controls in the store")
struct ControlStoreTests {
    private func scratch() throws -> String {
        let template = NSTemporaryDirectory() + "/camrec-controls-XXXXXX"
        var bytes = Array(template.utf8CString)
        guard let made = mkdtemp(&bytes) else { throw CocoaError(.fileWriteUnknown) }
        return String(cString: made)
    }

    private func info() -> RecordingInfo {
        RecordingInfo(camrecVersion: "test", host: "host", commandLine: "test", startWallNanoseconds: 1,
                      startMonotonicNanoseconds: 2, source: "test", requestToleranceNanoseconds: 0)
    }

    private func stream() throws -> StreamDescription {
        StreamDescription(id: 1, name: "video0", kind: .video,
                          format: VideoFormat(bufferType: .videoCapture, pixelFormat: try #require(PixelFormat("GREY")), width: 16, height: 16,
                                               planes: [PlaneLayout(bytesPerLine: 16, sizeImage: 256)]))
    }

    /// One control of each kind of value, as the recorder would hand them over.
    private let startValues = [
        ControlReading(streamID: 1, event: .start, monotonicNanoseconds: 10, controlID: 0x0098_0900, name: "Brightness",
                       key: "brightness", type: ControlType(rawValue: 1), typeName: "int", value: .integer(128), minimum: 0, maximum: 255,
                       step: 1, defaultValue: 128, flags: 0x20),
        ControlReading(streamID: 1, event: .start, monotonicNanoseconds: 10, controlID: 0x0098_f908, name: "String",
                       key: "string", type: ControlType(rawValue: 7), typeName: "string", value: .text("hello"), minimum: 2, maximum: 4,
                       step: 1, defaultValue: 0, flags: 0x100),
        ControlReading(streamID: 1, event: .start, monotonicNanoseconds: 10, controlID: 0x0098_f90c, name: "U8 Array",
                       key: "u8_array", type: ControlType(rawValue: 0x100), typeName: "u8", value: .bytes([0, 1, 2, 255]), minimum: 0,
                       maximum: 255, step: 1, defaultValue: 0, flags: 0x100),
        ControlReading(streamID: 1, event: .start, monotonicNanoseconds: 10, controlID: 0x0098_f901, name: "Button",
                       key: "button", type: ControlType(rawValue: 4), typeName: "button", value: nil, minimum: 0, maximum: 0,
                       step: 0, defaultValue: 0, flags: 0x40),
    ]
    private let change = ControlReading(
        streamID: 1, event: .change, monotonicNanoseconds: 5_000_000_123, controlID: 0x0098_0900, name: "Brightness",
        key: "brightness", type: ControlType(rawValue: 1), typeName: "int", value: .integer(100), minimum: 0, maximum: 255, step: 1,
        defaultValue: 128, flags: 0x20)
    private let facts = DeviceFacts(streamID: 1, driver: "vivid", driverVersion: "6.8.12", kernelRelease: "6.8.12-test")

    /// Writes a recording with the device, its start values and one change, and no buffer.
    private func record(at path: String) throws {
        let writer = try RecordingWriter(path: path, info: info(), streams: [try stream()])
        try writer.addDevice(facts)
        try writer.addControls(startValues)
        try writer.addControls([change])
        try writer.close(stopReason: "test")
    }

    private var expected: RecordedControls {
        var readings = startValues + [change]
        for index in readings.indices { readings[index].id = Int64(index + 1) }
        return RecordedControls(devices: [facts], readings: readings)
    }

    @Test("controls and the device read back from the index as they were written, numbered in order")
    func controlsRoundTripThroughTheIndex() throws {
        let folder = try scratch()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/controls.camrec"
        try record(at: path)
        let reader = try RecordingReader(path: path)
        #expect(reader.index.schemaVersion == IndexSchema.currentVersion)
        let controls = try RecordedControls.load(from: reader.index)
        #expect(controls == expected)
        #expect(controls.changes.map(\.monotonicNanoseconds) == [5_000_000_123])
        // Scalars are INTEGER, strings TEXT, compound payloads BLOB, unreadable NULL.
        let types = try reader.index.database.prepare("SELECT typeof(value) FROM controls ORDER BY id")
        var seen: [String] = []
        while try types.step() { seen.append(types.text(0)) }
        #expect(seen == ["integer", "text", "blob", "null", "integer"])
    }

    @Test("recover rebuilds the controls and the device from the chunks alone")
    func recoverRestoresControls() throws {
        let folder = try scratch()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/controls.camrec"
        try record(at: path)
        try FileManager.default.removeItem(atPath: path + "/index.sqlite")
        let report = try Recovery.recover(path: path)
        #expect(report.losses.isEmpty)
        #expect(try RecordedControls.load(from: try RecordingReader(path: path).index) == expected)
    }

    @Test("a v1 index reads as having no controls; opened for writing it gains the empty tables once")
    func olderIndexMigratesToControls() throws {
        let folder = try scratch()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let recording = folder + "/v1.camrec"
        try FileManager.default.copyItem(atPath: IndexMigrationTests.fixture, toPath: recording)
        let readOnly = try RecordingReader(path: recording)
        #expect(readOnly.index.schemaVersion == 1)
        #expect(try RecordedControls.load(from: readOnly.index) == RecordedControls())
        let index = try RecordingIndex.open(path: recording + "/index.sqlite", readOnly: false)
        #expect(index.schemaVersion == IndexSchema.currentVersion)
        #expect(try index.database.scalar("SELECT COUNT(*) FROM controls") == 0)
        #expect(try index.database.scalar("SELECT COUNT(*) FROM devices") == 0)
        try index.insertDevice(facts)
        #expect(try RecordedControls.load(from: RecordingIndex.open(path: recording + "/index.sqlite", readOnly: false))
            == RecordedControls(devices: [facts]))
    }

    @Test("a menu control's entries read back with its start reading, from the index and after recover")
    func menuEntriesRoundTrip() throws {
        let folder = try scratch()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/menus.camrec"
        let menu = [MenuEntry(index: 0, name: "75% Colorbar"), MenuEntry(index: 2, name: "Checkers")]
        let pattern = ControlReading(streamID: 1, event: .start, monotonicNanoseconds: 10, controlID: 0x009f_0903,
                                     name: "Test Pattern", key: "test_pattern", type: .menu, typeName: "menu",
                                     value: .integer(2), minimum: 0, maximum: 2, step: 1, defaultValue: 0, flags: 0, menu: menu)
        let writer = try RecordingWriter(path: path, info: info(), streams: [try stream()])
        try writer.addControls([pattern])
        try writer.close(stopReason: "test")
        var expected = pattern
        expected.id = 1
        #expect(try RecordedControls.load(from: try RecordingReader(path: path).index).readings == [expected])
        try FileManager.default.removeItem(atPath: path + "/index.sqlite")
        _ = try Recovery.recover(path: path)
        #expect(try RecordedControls.load(from: try RecordingReader(path: path).index).readings == [expected])
    }
}
