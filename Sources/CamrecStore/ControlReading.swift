import Foundation

/// One V4L2 control of a recorded device as camrec read it (VIDIOC_QUERY_EXT_CTRL for what it is,
/// VIDIOC_G_EXT_CTRLS for its value): at the start of the recording, or when V4L2_EVENT_CTRL said
/// that someone changed it. One row of the index's `controls` table.
public struct ControlReading: Sendable, Codable, Equatable {
    /// Whether the reading is the value at the start or a change while recording.
    public enum Event: String, Sendable, Codable {
        case start
        case change
    }

    /// A control's value: a number for the scalar types (integer, bool, menu, bitmask, ...), text
    /// for a string control, the payload's bytes for a compound or array control.
    public enum Value: Sendable, Codable, Equatable, CustomStringConvertible {
        case integer(Int64)
        case text(String)
        case bytes(Data)

        public var description: String {
            switch self {
            case .integer(let value): String(value)
            case .text(let text): "'\(text)'"
            case .bytes(let bytes): "\(bytes.count) bytes " + bytes.prefix(16).map { String(format: "%02x", $0) }.joined()
                + (bytes.count > 16 ? "..." : "")
            }
        }
    }

    /// In the order the recorder made them, from 1; the writer assigns it.
    public var id: Int64
    public var streamID: Int
    public var event: Event
    /// CLOCK_MONOTONIC: when it was read (start) or when the driver reported the change (the event's timestamp).
    public var monotonicNanoseconds: Int64
    /// V4L2_CID_*.
    public var controlID: UInt32
    /// The driver's name, "Brightness".
    public var name: String
    /// The name as v4l2-ctl spells it, "brightness".
    public var key: String
    /// enum v4l2_ctrl_type, and its name as v4l2-ctl prints it ("int", "menu").
    public var type: UInt32
    public var typeName: String
    /// nil when the control cannot be read (a write-only control, a button).
    public var value: Value?
    public var minimum: Int64
    public var maximum: Int64
    public var step: UInt64
    public var defaultValue: Int64
    /// V4L2_CTRL_FLAG_*.
    public var flags: UInt32

    public init(id: Int64 = 0, streamID: Int, event: Event, monotonicNanoseconds: Int64, controlID: UInt32, name: String,
                key: String, type: UInt32, typeName: String, value: Value?, minimum: Int64, maximum: Int64, step: UInt64,
                defaultValue: Int64, flags: UInt32) {
        self.id = id
        self.streamID = streamID
        self.event = event
        self.monotonicNanoseconds = monotonicNanoseconds
        self.controlID = controlID
        self.name = name
        self.key = key
        self.type = type
        self.typeName = typeName
        self.value = value
        self.minimum = minimum
        self.maximum = maximum
        self.step = step
        self.defaultValue = defaultValue
        self.flags = flags
    }
}
