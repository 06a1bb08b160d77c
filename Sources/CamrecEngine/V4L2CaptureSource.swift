import CamrecStore
import Synchronization
import V4L2
import V4L2Vocabulary

/// A `FrameSource` over one or more V4L2 capture nodes (video or metadata, single- or
/// multi-planar), with MMAP buffers or with DMABUFs exported by another node. Each node gets its
/// format set (refusing one the driver adjusts unless told otherwise), its buffers allocated or
/// imported, and is polled together with the others; every dequeued buffer is handed out with
/// views into its mapped memory until `CapturedBuffer.release` queues it back (VIDIOC_QBUF).
public final class V4L2CaptureSource: FrameSource {
    /// One node to capture from.
    public struct Node: Sendable {
        /// The capture node, e.g. "/dev/video0".
        public var path: String
        /// The format to set; nil keeps the node's current format.
        public var format: RequestedFormat?
        /// How many buffers to ask the driver for.
        public var bufferCount: Int
        /// Where the buffer memory comes from.
        public var memory: CaptureMemory
        /// The time per frame to ask for (VIDIOC_S_PARM); nil keeps the driver's.
        public var frameInterval: FrameInterval?
        /// Controls to set before streaming, in order (`--set-ctrl`, v4l2-ctl's names).
        public var controls: [ControlSetting]
        /// Buffers to hand straight back after VIDIOC_STREAMON while exposure settles (`--skip`).
        public var skipBuffers: Int

        public init(path: String, format: RequestedFormat? = nil, bufferCount: Int = 4, memory: CaptureMemory = .mmap,
                    frameInterval: FrameInterval? = nil, controls: [ControlSetting] = [], skipBuffers: Int = 0) {
            self.path = path
            self.format = format
            self.bufferCount = bufferCount
            self.memory = memory
            self.frameInterval = frameInterval
            self.controls = controls
            self.skipBuffers = skipBuffers
        }
    }

    /// A requested format; a nil part keeps what the node currently has. Metadata nodes only
    /// use `fourcc`.
    public struct RequestedFormat: Sendable, Equatable {
        public var width: UInt32?
        public var height: UInt32?
        public var fourcc: PixelFormat?

        public init(width: UInt32? = nil, height: UInt32? = nil, fourcc: PixelFormat? = nil) {
            self.width = width
            self.height = height
            self.fourcc = fourcc
        }
    }

    /// The memory strategy of a capture node.
    public enum CaptureMemory: Sendable, Equatable {
        /// Buffers allocated by the capture driver and mapped (V4L2_MEMORY_MMAP).
        case mmap
        /// Buffers allocated by the node at `exporterPath` (its capture queue, or its output queue
        /// when it has none), exported with VIDIOC_EXPBUF and imported by the capture node
        /// (V4L2_MEMORY_DMABUF), as `v4l2-ctl --stream-dmabuf --export-device` does.
        case dmabuf(exporterPath: String)
    }

    /// Choices that apply to every node.
    public struct Options: Sendable, Equatable {
        /// Record in whatever format the driver adjusted a request to, instead of refusing it.
        public var acceptAdjustedFormat: Bool

        public init(acceptAdjustedFormat: Bool = false) {
            self.acceptAdjustedFormat = acceptAdjustedFormat
        }
    }

    public let streams: [StreamDescription]
    public var sourceDescription: String { nodes.map(\.path).joined(separator: ", ") }
    /// What setting the nodes up did beyond the format (controls set, the frame rate, buffers to
    /// skip), one sentence each, for stderr and the recording's notes.
    public var setupNotes: [String] { nodes.flatMap(\.setupNotes) }
    public var endReason: String? { state.withLock { $0.endReason } }
    public var deviceFacts: [DeviceFacts] {
        zip(nodes, streams).map { node, stream in node.deviceFacts(streamID: stream.id) }
    }
    /// Each media controller a node belongs to (found through its interface's device number),
    /// once, with the streams from its nodes. A node without one (a driver without a media
    /// controller) adds nothing; a graph that cannot be read is left out, the recording goes on.
    public var mediaGraphs: [MediaGraph] {
        var streamsByMedia: [String: [Int]] = [:]
        var order: [String] = []
        for (node, stream) in zip(nodes, streams) {
            guard let location = try? MediaDevice.locate(videoNode: node.path) else { continue }
            if streamsByMedia[location.mediaDevicePath] == nil { order.append(location.mediaDevicePath) }
            streamsByMedia[location.mediaDevicePath, default: []].append(stream.id)
        }
        let now = MonotonicClock.nanoseconds()
        return order.compactMap { path in
            try? MediaDevice(path: path).graph(streamIDs: streamsByMedia[path] ?? [], at: now)
        }
    }

    public var startControls: [ControlReading] {
        zip(nodes, streams).flatMap { node, stream in
            node.startControls.map { $0.reading(streamID: stream.id, event: .start) }
        }
    }
    /// Why `start` failed (a node refused VIDIOC_STREAMON, say), if it did; nothing was captured then.
    public var startFailure: V4L2Error? { state.withLock { $0.startFailure } }

    private let nodes: [V4L2CaptureNode]
    private let state = Mutex(SourceState())

    private struct SourceState {
        var started = false
        var stopped = false
        var endReason: String?
        var startFailure: V4L2Error?
    }

    /// Opens every node, sets its format and prepares its buffers; streaming starts with `start`.
    /// Throws `V4L2Error`: `.wrongNodeKind` for a node without a capture queue, `.busy` when
    /// another process holds it, `.formatAdjusted` when the driver changed the requested format.
    public init(nodes requested: [Node], options: Options = Options()) throws(V4L2Error) {
        guard !requested.isEmpty else {
            throw V4L2Error(kind: .notFound, operation: "capture", devicePath: "(none)",
                            reason: "no capture node was given", remedy: "Name at least one /dev/videoN node.")
        }
        // Before opening anything: a node given twice (by two names, say /dev/video0 and a udev
        // link) would otherwise fail as "busy" on its second open, blaming another program.
        var seen: [DeviceNumber: String] = [:]
        for node in requested {
            guard let number = try? DeviceNumber(path: node.path) else { continue }  // Opening reports it.
            if let first = seen[number] {
                throw V4L2Error(kind: .system, operation: "capture", devicePath: node.path,
                                reason: "\(node.path) is the same device node as \(first), given twice",
                                remedy: "Name each node once.")
            }
            seen[number] = node.path
        }
        var opened: [V4L2CaptureNode] = []
        var descriptions: [StreamDescription] = []
        for (index, node) in requested.enumerated() {
            let captureNode = try V4L2CaptureNode(node, options: options)
            opened.append(captureNode)
            descriptions.append(captureNode.streamDescription(id: index + 1))
        }
        nodes = opened
        streams = descriptions
    }

    /// Queues every buffer and turns streaming on (VIDIOC_QBUF, VIDIOC_STREAMON), node after
    /// node; if one node fails, every node is stopped again and `startFailure` says why.
    public func start() throws {
        let alreadyStarted = state.withLock { state in
            defer { state.started = true }
            return state.started
        }
        guard !alreadyStarted else { return }
        do throws(V4L2Error) {
            // Node after node, not every QBUF first and then the STREAMONs back to back: vivid's
            // video and metadata nodes share a frame counter that its thread resets only once it
            // runs, and a metadata STREAMON right after the video one can still see the previous
            // session's count, offsetting every metadata sequence number (seen in the lab).
            for node in nodes {
                try node.queueAllBuffers()
                try node.streamOn()
            }
        } catch {
            for node in nodes { node.stop() }
            state.withLock {
                $0.stopped = true
                $0.startFailure = error
            }
            throw error
        }
    }

    public func nextBuffers(timeoutMilliseconds: Int32) throws -> [CapturedBuffer]? {
        let stopped = state.withLock { $0.stopped || $0.endReason != nil }
        if stopped { return nil }
        for (streamIndex, node) in nodes.enumerated() {
            if let reason = node.failureReason() { return end(reason, streamIndex: streamIndex) }
        }
        let events = try Poller.wait(for: nodes.map(\.pollQueue), timeoutMilliseconds: timeoutMilliseconds)
        var ready: [CapturedBuffer] = []
        for (node, nodeEvents) in zip(nodes, events) where nodeEvents.contains(.event) {
            node.readControlEvents()
        }
        for (streamIndex, node) in nodes.enumerated() where !events[streamIndex].isEmpty {
            switch node.dequeueAll(streamID: streams[streamIndex].id) {
            case .buffers(let buffers):
                ready.append(contentsOf: buffers)
                let troubled = events[streamIndex].contains(.error) || events[streamIndex].contains(.hangUp)
                if buffers.isEmpty && troubled && !(state.withLock { $0.stopped }) {
                    return end(node.describeEnd("stopped streaming (poll reported an error)"), streamIndex: streamIndex,
                               keeping: ready)
                }
            case .ended(let reason, let buffers):
                ready.append(contentsOf: buffers)
                return end(reason, streamIndex: streamIndex, keeping: ready)
            }
        }
        return ready
    }

    /// Records why the source ended; buffers dequeued before the end are still delivered.
    private func end(_ reason: String, streamIndex: Int, keeping ready: [CapturedBuffer] = []) -> [CapturedBuffer]? {
        state.withLock { state in
            if state.endReason == nil { state.endReason = reason }
        }
        return ready.isEmpty ? nil : ready
    }

    public func takeControlChanges() -> [ControlReading] {
        zip(nodes, streams).flatMap { node, stream in
            node.takeControlChanges().map { $0.reading(streamID: stream.id, event: .change) }
        }.sorted { $0.monotonicNanoseconds < $1.monotonicNanoseconds }
    }

    public func stop() {
        let alreadyStopped = state.withLock { state in
            defer { state.stopped = true }
            return state.stopped
        }
        guard !alreadyStopped else { return }
        for node in nodes { node.stop() }
    }

    deinit {
        stop()
    }
}
