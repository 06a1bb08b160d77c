#if canImport(Glibc)
import Glibc
#endif

/// What poll(2) reported for one queue.
public struct PollEvents: OptionSet, Sendable, Hashable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// A buffer can be dequeued (POLLIN on a capture queue, POLLOUT on an output queue).
    public static let bufferReady = PollEvents(rawValue: 1 << 0)
    /// POLLPRI: a V4L2 event is pending.
    public static let event = PollEvents(rawValue: 1 << 1)
    /// POLLERR: the queue is not streaming, or the device failed or went away.
    public static let error = PollEvents(rawValue: 1 << 2)
    /// POLLHUP: the device went away.
    public static let hangUp = PollEvents(rawValue: 1 << 3)
}

/// Waits on several queues at once with one poll(2) call.
public enum Poller {
    /// Waits up to `timeoutMilliseconds` (-1: forever) and returns one `PollEvents` per queue, in
    /// order; all empty on timeout. EINTR counts as a timeout with nothing ready.
    public static func wait(for queues: [BufferQueue], timeoutMilliseconds: Int32) throws(V4L2Error) -> [PollEvents] {
        var descriptors = queues.map { pollfd(fd: $0.descriptor.rawValue, events: $0.readyEvents | Int16(POLLPRI), revents: 0) }
        let count = descriptors.withUnsafeMutableBufferPointer { poll($0.baseAddress, nfds_t($0.count), timeoutMilliseconds) }
        if count < 0 {
            let code = errno
            if code == EINTR { return queues.map { _ in [] } }
            throw V4L2Error(operation: "poll", devicePath: queues.map(\.devicePath).joined(separator: ", "), errno: code)
        }
        return zip(queues, descriptors).map { queue, descriptor in
            var events: PollEvents = []
            if descriptor.revents & queue.readyEvents != 0 { events.insert(.bufferReady) }
            if descriptor.revents & Int16(POLLPRI) != 0 { events.insert(.event) }
            if descriptor.revents & Int16(POLLERR) != 0 { events.insert(.error) }
            if descriptor.revents & Int16(POLLHUP) != 0 { events.insert(.hangUp) }
            return events
        }
    }
}
