import CV4L2
#if canImport(Glibc)
import Glibc
#endif

/// A V4L2 event type an application can subscribe to (`V4L2_EVENT_*`).
public enum DeviceEventType: UInt32, Sendable, CustomStringConvertible {
    /// V4L2_EVENT_EOS: a codec finished draining.
    case endOfStream = 2
    /// V4L2_EVENT_CTRL: a control changed (subscribe per control id).
    case control = 3
    /// V4L2_EVENT_SOURCE_CHANGE: a decoder parsed a stream whose format differs from the capture
    /// queue's (the first header, or a resolution change mid-stream).
    case sourceChange = 5

    public var description: String {
        switch self {
        case .endOfStream: "V4L2_EVENT_EOS"
        case .control: "V4L2_EVENT_CTRL"
        case .sourceChange: "V4L2_EVENT_SOURCE_CHANGE"
        }
    }
}

/// One event dequeued with VIDIOC_DQEVENT.
public enum DeviceEvent: Sendable, Equatable {
    /// The capture format must be read again (`resolution`: V4L2_EVENT_SRC_CH_RESOLUTION).
    case sourceChange(resolution: Bool)
    case endOfStream
    /// Control `id` changed.
    case control(id: UInt32)
    /// An event type camrec does not interpret.
    case other(type: UInt32)
}

/// A dequeued event with the time the driver queued it (v4l2_event.timestamp, CLOCK_MONOTONIC).
public struct TimedDeviceEvent: Sendable, Equatable {
    public var event: DeviceEvent
    public var monotonicNanoseconds: Int64
}

extension VideoDevice {
    /// VIDIOC_SUBSCRIBE_EVENT. Events arrive on this file handle only; poll reports them as
    /// POLLPRI (`PollEvents.event`).
    public func subscribe(to type: DeviceEventType, id: UInt32 = 0) throws(V4L2Error) {
        var raw = v4l2_event_subscription()
        raw.type = type.rawValue
        raw.id = id
        try descriptor.ioctl(.subscribeEvent, &raw, context: "\(type)")
    }

    /// VIDIOC_DQEVENT without blocking: the next pending event, or nil when none is pending.
    public func dequeueEvent() throws(V4L2Error) -> DeviceEvent? {
        try dequeueTimedEvent()?.event
    }

    /// VIDIOC_DQEVENT without blocking: the next pending event with the time it happened, or nil
    /// when none is pending.
    public func dequeueTimedEvent() throws(V4L2Error) -> TimedDeviceEvent? {
        var raw = v4l2_event()
        do {
            try descriptor.ioctl(.dequeueEvent, &raw)
        } catch where error.errno == ENOENT {
            return nil
        }
        let nanoseconds = Int64(raw.timestamp.tv_sec) &* 1_000_000_000 &+ Int64(raw.timestamp.tv_nsec)
        return TimedDeviceEvent(event: Self.event(from: &raw), monotonicNanoseconds: nanoseconds)
    }

    private static func event(from raw: inout v4l2_event) -> DeviceEvent {
        switch DeviceEventType(rawValue: raw.type) {
        case .sourceChange?:
            return .sourceChange(resolution: cv4l2_event_source_changes(&raw) & UInt32(V4L2_EVENT_SRC_CH_RESOLUTION) != 0)
        case .endOfStream?:
            return .endOfStream
        case .control?:
            return .control(id: raw.id)
        case nil:
            return .other(type: raw.type)
        }
    }
}
