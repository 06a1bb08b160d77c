/// One V4L2 control of a recorded device as camrec read it (VIDIOC_QUERY_EXT_CTRL for what it is,
/// VIDIOC_G_EXT_CTRLS for its value): at the start of the recording, or when V4L2_EVENT_CTRL said
/// that someone changed it. The recorder makes it from a `ControlInfo` and its `ControlValue`;
/// the index stores one per row of its `controls` table.
public struct ControlReading: Sendable, Codable, Equatable {
    /// Whether the reading is the value at the start or a change while recording.
    public enum Event: String, Sendable, Codable {
        case start
        case change
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
    public var type: ControlType
    /// The type's name as v4l2-ctl prints it ("int", "menu"), as the recording camrec named it.
    public var typeName: String
    /// nil when the control cannot be read (a write-only control, a button).
    public var value: ControlValue?
    public var minimum: Int64
    public var maximum: Int64
    public var step: UInt64
    public var defaultValue: Int64
    /// V4L2_CTRL_FLAG_* (`ControlFlags`).
    public var flags: UInt32
    /// For a menu or integer menu control read at the start: its entries (VIDIOC_QUERYMENU). Nil
    /// where they were not read (a change while recording, a recording before index version 4).
    public var menu: [MenuEntry]?

    public init(id: Int64 = 0, streamID: Int, event: Event, monotonicNanoseconds: Int64, controlID: UInt32, name: String,
                key: String, type: ControlType, typeName: String, value: ControlValue?, minimum: Int64, maximum: Int64,
                step: UInt64, defaultValue: Int64, flags: UInt32, menu: [MenuEntry]? = nil) {
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
        self.menu = menu
    }

    /// The reading of `control` with `value`, taken at `monotonicNanoseconds`; a start reading keeps
    /// the menu entries.
    public init(streamID: Int, event: Event, monotonicNanoseconds: Int64, control: ControlInfo, value: ControlValue?) {
        self.init(streamID: streamID, event: event, monotonicNanoseconds: monotonicNanoseconds, controlID: control.id,
                  name: control.name, key: control.key, type: control.type, typeName: control.type.description,
                  value: value, minimum: control.minimum, maximum: control.maximum, step: control.step,
                  defaultValue: control.defaultValue, flags: control.flags,
                  menu: event == .start && !control.menu.isEmpty ? control.menu : nil)
    }
}
