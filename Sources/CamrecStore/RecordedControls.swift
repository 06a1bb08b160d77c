import Foundation
import V4L2Vocabulary

/// The `devices` and `controls` tables of an index (version 3): the driver behind each stream and
/// every control's value at the start and its changes while recording. An older index has neither
/// table and reads as empty.
public struct RecordedControls: Sendable, Equatable {
    public var devices: [DeviceFacts]
    /// In the order the recorder made them: every stream's start values, then the changes.
    public var readings: [ControlReading]

    public init(devices: [DeviceFacts] = [], readings: [ControlReading] = []) {
        self.devices = devices
        self.readings = readings
    }

    /// The values at the start.
    public var startValues: [ControlReading] { readings.filter { $0.event == .start } }
    /// The changes while recording, in order.
    public var changes: [ControlReading] { readings.filter { $0.event == .change } }

    public static func load(from index: RecordingIndex) throws(StoreError) -> RecordedControls {
        guard index.schemaVersion >= 3 else { return RecordedControls() }
        let database = index.database
        let deviceRows = try database.prepare(
            "SELECT stream_id, driver, driver_version, kernel_release FROM devices ORDER BY stream_id")
        var devices: [DeviceFacts] = []
        while try deviceRows.step() {
            devices.append(DeviceFacts(streamID: Int(deviceRows.int64(0)), driver: deviceRows.text(1),
                                       driverVersion: deviceRows.text(2), kernelRelease: deviceRows.text(3)))
        }
        let rows = try database.prepare("""
            SELECT id, stream_id, event, monotonic_ns, control_id, name, key, type, type_name, value,
                minimum, maximum, step, default_value, flags FROM controls ORDER BY id
            """)
        var readings: [ControlReading] = []
        while try rows.step() {
            guard let event = ControlReading.Event(rawValue: rows.text(2)) else {
                throw .corrupt(path: "index.sqlite", offset: 0, reason: "control row \(rows.int64(0)) has an unknown event")
            }
            let value: ControlValue? = switch rows.value(9) {
            case .integer(let number): .integer(number)
            case .text(let text): .text(text)
            case .blob(let bytes): .bytes(bytes)
            case .real, .null: nil
            }
            readings.append(ControlReading(
                id: rows.int64(0), streamID: Int(rows.int64(1)), event: event, monotonicNanoseconds: rows.int64(3),
                controlID: UInt32(truncatingIfNeeded: rows.int64(4)), name: rows.text(5), key: rows.text(6),
                type: ControlType(rawValue: UInt32(truncatingIfNeeded: rows.int64(7))), typeName: rows.text(8), value: value,
                minimum: rows.int64(10), maximum: rows.int64(11), step: UInt64(bitPattern: rows.int64(12)),
                defaultValue: rows.int64(13), flags: UInt32(truncatingIfNeeded: rows.int64(14))))
        }
        if index.schemaVersion >= 4 { try attachMenus(to: &readings, from: database) }
        return RecordedControls(devices: devices, readings: readings)
    }

    /// The menu entries (index version 4) of each start reading of a menu control.
    private static func attachMenus(to readings: inout [ControlReading], from database: SQLiteDatabase) throws(StoreError) {
        let rows = try database.prepare(
            "SELECT stream_id, control_id, menu_index, name FROM control_menus ORDER BY stream_id, control_id, menu_index")
        var menus: [MenuKey: [MenuEntry]] = [:]
        while try rows.step() {
            let key = MenuKey(streamID: Int(rows.int64(0)), controlID: UInt32(truncatingIfNeeded: rows.int64(1)))
            menus[key, default: []].append(MenuEntry(index: rows.int64(2), name: rows.text(3)))
        }
        for index in readings.indices where readings[index].event == .start {
            readings[index].menu = menus[MenuKey(streamID: readings[index].streamID, controlID: readings[index].controlID)]
        }
    }

    /// A control of one stream's device.
    private struct MenuKey: Hashable {
        var streamID: Int
        var controlID: UInt32
    }
}

extension RecordingIndex {
    public func insertDevice(_ facts: DeviceFacts) throws(StoreError) {
        try database.prepare("""
            INSERT OR REPLACE INTO devices (stream_id, driver, driver_version, kernel_release) VALUES (?, ?, ?, ?)
            """).run([.integer(Int64(facts.streamID)), .text(facts.driver), .text(facts.driverVersion),
                      .text(facts.kernelRelease)])
    }

    public func insertControl(_ reading: ControlReading) throws(StoreError) {
        let value: SQLiteValue = switch reading.value {
        case .integer(let number)?: .integer(number)
        case .text(let text)?: .text(text)
        case .bytes(let bytes)?: .blob(bytes)
        case nil: .null
        }
        try database.prepare("""
            INSERT INTO controls (id, stream_id, event, monotonic_ns, control_id, name, key, type, type_name, value,
                minimum, maximum, step, default_value, flags) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).run([
                .integer(reading.id), .integer(Int64(reading.streamID)), .text(reading.event.rawValue),
                .integer(reading.monotonicNanoseconds), .integer(Int64(reading.controlID)), .text(reading.name),
                .text(reading.key), .integer(Int64(reading.type.rawValue)), .text(reading.typeName), value,
                .integer(reading.minimum), .integer(reading.maximum), .integer(Int64(bitPattern: reading.step)),
                .integer(reading.defaultValue), .integer(Int64(reading.flags)),
            ])
        guard let menu = reading.menu, reading.event == .start, schemaVersion >= 4 else { return }
        let entry = try database.prepare(
            "INSERT OR REPLACE INTO control_menus (stream_id, control_id, menu_index, name) VALUES (?, ?, ?, ?)")
        for item in menu {
            try entry.run([.integer(Int64(reading.streamID)), .integer(Int64(reading.controlID)), .integer(item.index),
                           .text(item.name)])
        }
    }
}
