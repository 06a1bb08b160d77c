import CamrecStore
import Foundation
import V4L2Vocabulary

/// `camrec info --controls`: each device's driver and kernel, its controls as `v4l2-ctl
/// --list-ctrls` prints them with the values they had when recording started, and the changes
/// made while it ran with their times; and the same rows for `info --json`.
enum ControlsFormatting {
    static func text(_ controls: RecordedControls, streams: [StreamDescription], info: RecordingInfo) -> String {
        let names = Dictionary(streams.map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
        var out = ""
        if controls.devices.isEmpty && controls.readings.isEmpty {
            return "No controls recorded: a recording made by an older camrec (index version 1 or 2), from the "
                + "synthetic camera, or from a device without controls.\n"
        }
        let streamIDs = Set(controls.devices.map(\.streamID)).union(controls.readings.map(\.streamID)).sorted()
        for streamID in streamIDs {
            let name = names[streamID] ?? "stream \(streamID)"
            out += "Device of stream \(streamID) '\(name)'"
            if let path = streams.first(where: { $0.id == streamID })?.device?.path { out += " (\(path))" }
            if let facts = controls.devices.first(where: { $0.streamID == streamID }) {
                out += ": driver \(facts.driver) \(facts.driverVersion), kernel \(facts.kernelRelease)"
            }
            out += "\n"
            for reading in controls.startValues where reading.streamID == streamID {
                out += listLine(reading) + "\n"
            }
        }
        let changes = controls.changes
        out += "\nChanged while recording"
        if changes.isEmpty {
            out += ": nothing\n"
        } else {
            out += " (seconds since the start; CLOCK_MONOTONIC ns):\n"
            for change in changes {
                let seconds = (Double(change.monotonicNanoseconds) - Double(info.startMonotonicNanoseconds)) / 1e9
                out += String(format: "  %+10.6f s", seconds) + "  \(change.monotonicNanoseconds)  "
                    + "\(names[change.streamID] ?? "stream \(change.streamID)")  \(change.key) = \(valueText(change.value))\n"
            }
        }
        return out
    }

    /// One control as `v4l2-ctl --list-ctrls-menus` prints it: key, id, type, range, default,
    /// value (a menu's with its entry's name), then a menu's entries one per line.
    static func listLine(_ reading: ControlReading) -> String {
        let key = String(repeating: " ", count: max(0, 31 - reading.key.count)) + reading.key
        // v4l2-ctl pads the type to 9 columns ("(int)    : ", "(menu)   : "); "(intmenu): " fills them.
        var type = "(\(reading.typeName))"
        type += String(repeating: " ", count: max(0, 9 - type.count))
        var line = "\(key) " + String(format: "0x%08x", reading.controlID) + " \(type): "
        line += "min=\(reading.minimum) max=\(reading.maximum)"
        if !["bool", "menu", "intmenu"].contains(reading.typeName) { line += " step=\(reading.step)" }
        line += " default=\(reading.defaultValue) value=\(valueText(reading.value))"
        if case .integer(let value)? = reading.value, let entry = reading.menu?.first(where: { $0.index == value }) {
            line += " (\(entry.name))"
        }
        if reading.flags != 0 { line += " flags=" + flagNames(reading.flags) }
        for entry in reading.menu ?? [] {
            // An integer menu's entry is its value, which v4l2-ctl also gives in hex.
            let hex = reading.type == .integerMenu ? Int64(entry.name).map { " (0x" + String(UInt64(bitPattern: $0), radix: 16) + ")" } : nil
            line += "\n\t\t\t\t\(entry.index): \(entry.name)" + (hex ?? "")
        }
        return line
    }

    /// V4L2_CTRL_FLAG_* as v4l2-ctl names them ("slider, volatile"); unknown bits in hex.
    static func flagNames(_ flags: UInt32) -> String {
        let names: [(UInt32, String)] = [
            (0x0001, "disabled"), (0x0002, "grabbed"), (0x0004, "read-only"), (0x0008, "update"),
            (0x0010, "inactive"), (0x0020, "slider"), (0x0040, "write-only"), (0x0080, "volatile"),
            (0x0100, "has-payload"), (0x0200, "execute-on-write"), (0x0400, "modify-layout"), (0x0800, "dynamic-array"),
        ]
        var parts = names.filter { flags & $0.0 != 0 }.map(\.1)
        let unknown = names.reduce(flags) { $0 & ~$1.0 }
        if unknown != 0 { parts.append(String(format: "0x%08x", unknown)) }
        return parts.joined(separator: ",")
    }

    static func valueText(_ value: ControlValue?) -> String {
        value.map(\.description) ?? "(none)"
    }

    struct JSONDevice: Encodable {
        var stream_id: Int
        var driver: String
        var driver_version: String
        var kernel_release: String

        init(_ facts: DeviceFacts) {
            stream_id = facts.streamID
            driver = facts.driver
            driver_version = facts.driverVersion
            kernel_release = facts.kernelRelease
        }
    }

    /// One control reading; `value` for a number, `text` for a string, `bytes_hex` for a payload.
    struct JSONControl: Encodable {
        var stream_id: Int
        var event: String
        var monotonic_ns: Int64
        /// monotonic_ns less the recording's start (CLOCK_MONOTONIC), in seconds.
        var seconds_from_start: Double
        var id: UInt32
        var name: String
        var key: String
        var type: UInt32
        var type_name: String
        var value: Int64?
        var text: String?
        var bytes_hex: String?
        var minimum: Int64
        var maximum: Int64
        var step: UInt64
        var default_value: Int64
        var flags: UInt32

        init(_ reading: ControlReading, info: RecordingInfo) {
            stream_id = reading.streamID
            event = reading.event.rawValue
            monotonic_ns = reading.monotonicNanoseconds
            seconds_from_start = (Double(reading.monotonicNanoseconds) - Double(info.startMonotonicNanoseconds)) / 1e9
            id = reading.controlID
            name = reading.name
            key = reading.key
            type = reading.type.rawValue
            type_name = reading.typeName
            switch reading.value {
            case .integer(let number)?: value = number
            case .text(let string)?: text = string
            case .bytes(let bytes)?: bytes_hex = bytes.map { String(format: "%02x", $0) }.joined()
            case nil: break
            }
            minimum = reading.minimum
            maximum = reading.maximum
            step = reading.step
            default_value = reading.defaultValue
            flags = reading.flags
        }
    }
}
