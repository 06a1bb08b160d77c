import CamrecStore
import Foundation

/// Sends a recording's buffers back to devices the way they were recorded: each plane's
/// bytesused, the timestamp and the sequence come from the recording, and buffers are paced by
/// their recorded timestamps against absolute deadlines on CLOCK_MONOTONIC, so timing errors never
/// accumulate. The buffers of one request go to their sinks together.
public final class Replayer {
    /// How to replay.
    public struct Options: Sendable {
        /// 2 plays twice as fast as recorded, 0.5 half as fast.
        public var rate: Double = 1
        /// Send each buffer as soon as the sink takes it, ignoring timestamps.
        public var asFastAsPossible = false
        /// Times to play the selection; 0 loops until stopped.
        public var loops = 1
        public var from: ReplayBound?
        public var until: ReplayBound?
        public var errors: ErrorPolicy = .skip
        /// Time between starting and the first deadline, so the first frame is not late by setup.
        public var leadNanoseconds: Int64 = 20_000_000
        /// The clock pacing follows: CLOCK_MONOTONIC with an interruptible sleep; tests give their own.
        public var clock: any ReplayClock = MonotonicReplayClock()
        /// Ends the replay (and a pacing wait) at once when requested; the report then says so.
        public var stop = StopRequest()

        public init() {}
    }

    /// What to do with buffers recorded with status error.
    public enum ErrorPolicy: String, Sendable, CaseIterable {
        case skip
        case send
    }

    /// One recorded stream and the sink it goes to.
    public struct Route {
        public var streamID: Int
        public var sink: any FrameSink

        public init(streamID: Int, sink: any FrameSink) {
            self.streamID = streamID
            self.sink = sink
        }
    }

    /// What a replay did.
    public struct Report: Sendable, Codable {
        public var framesSent: Int
        public var requestsSent: Int
        public var errorsSkipped: Int
        public var loopsCompleted: Int
        public var durationSeconds: Double
        /// Requests per second actually achieved.
        public var achievedRate: Double
        /// Requests per second the selection was recorded at (times `rate`).
        public var targetRate: Double?
        /// How late each request was sent against its deadline (0 when early or unpaced).
        public var latenessP50Nanoseconds: Int64
        public var latenessP99Nanoseconds: Int64
        public var latenessMaxNanoseconds: Int64
        public var stoppedBySignal: Bool
    }

    private let reader: RecordingReader
    private let routes: [Route]
    private let options: Options

    public init(reader: RecordingReader, routes: [Route], options: Options) {
        self.reader = reader
        self.routes = routes
        self.options = options
    }

    /// The selected requests, walked one at a time from the index (so a day-long recording
    /// replays in the memory of a minute-long one): the buffers of each request, in recording
    /// order, inside --from/--until, without error buffers unless they are sent.
    private final class RequestWalk {
        private let cursor: BufferCursor
        private let options: Options
        private let firstTimestamp: Int64
        private var pending: IndexedBuffer?
        /// Error buffers left out so far.
        private(set) var skipped = 0

        init(reader: RecordingReader, streamIDs: [Int], options: Options, firstTimestamp: Int64) throws {
            cursor = try reader.bufferCursor(streamIDs: streamIDs, order: .request)
            self.options = options
            self.firstTimestamp = firstTimestamp
            pending = try cursor.next()
        }

        /// The next request with at least one buffer to send, or nil after the last.
        func next() throws -> [IndexedBuffer]? {
            while let head = pending {
                var request: [IndexedBuffer] = []
                var buffer: IndexedBuffer? = head
                while let current = buffer, current.requestID == head.requestID {
                    if inside(current) {
                        if current.metadata.status == .error && options.errors == .skip {
                            skipped += 1
                        } else {
                            request.append(current)
                        }
                    }
                    buffer = try cursor.next()
                }
                pending = buffer
                if !request.isEmpty { return request }
            }
            return nil
        }

        private func inside(_ buffer: IndexedBuffer) -> Bool {
            // Saturating: timestamps come from the index.
            let offset = buffer.metadata.timestamp.nanoseconds.subtractingReportingOverflow(firstTimestamp)
            let fromStart = offset.overflow ? (buffer.metadata.timestamp.nanoseconds < firstTimestamp ? Int64.min : Int64.max) : offset.partialValue
            switch options.from {
            case let .sequence(sequence)? where buffer.metadata.sequence < sequence: return false
            case let .nanosecondsFromStart(start)? where fromStart < start: return false
            default: break
            }
            switch options.until {
            case let .sequence(sequence)? where buffer.metadata.sequence > sequence: return false
            case let .nanosecondsFromStart(end)? where fromStart > end: return false
            default: break
            }
            return true
        }
    }

    /// What one pass over the selection says before replaying: how many requests, the first and
    /// last request's timestamps, how many error buffers are left out per loop.
    private struct SelectionSummary {
        var requests = 0
        var firstTimestamp: Int64 = 0
        var lastTimestamp: Int64 = 0
        var skipped = 0
    }

    /// The timestamp --from/--until count from: the first selected stream's first buffer.
    private func recordingStart() throws -> Int64 {
        try reader.bufferCursor(streamIDs: routes.map(\.streamID)).next()?.metadata.timestamp.nanoseconds ?? 0
    }

    private func summarize(firstTimestamp: Int64) throws -> SelectionSummary {
        let walk = try RequestWalk(reader: reader, streamIDs: routes.map(\.streamID), options: options, firstTimestamp: firstTimestamp)
        var summary = SelectionSummary()
        while let request = try walk.next() {
            if summary.requests == 0 { summary.firstTimestamp = request[0].metadata.timestamp.nanoseconds }
            summary.lastTimestamp = request[0].metadata.timestamp.nanoseconds
            summary.requests += 1
        }
        summary.skipped = walk.skipped
        return summary
    }

    /// Prepares every sink (failing before anything is queued), calls `whenPrepared` (where
    /// `camrec replay --capture-to` starts recording an M2M device's capture side), then replays.
    public func run(whenPrepared: () throws -> Void = {}) throws -> Report {
        let streams = Dictionary(uniqueKeysWithValues: reader.streams.map { ($0.id, $0) })
        var sinks: [Int: any FrameSink] = [:]
        for route in routes {
            guard let stream = streams[route.streamID] else { continue }
            try route.sink.prepare(stream: stream)
            sinks[route.streamID] = route.sink
        }
        try whenPrepared()
        let recordingStart = try recordingStart()
        let summary = try summarize(firstTimestamp: recordingStart)
        let skippedPerLoop = summary.skipped
        guard summary.requests > 0 else {
            for route in routes { try route.sink.finish() }
            return Report(framesSent: 0, requestsSent: 0, errorsSkipped: skippedPerLoop, loopsCompleted: 0,
                          durationSeconds: 0, achievedRate: 0, targetRate: nil, latenessP50Nanoseconds: 0,
                          latenessP99Nanoseconds: 0, latenessMaxNanoseconds: 0, stoppedBySignal: false)
        }
        let firstTimestamp = summary.firstTimestamp
        // Timestamps come from the index: every sum below is checked, never trapped on, and only
        // where it is used (an unpaced single pass needs none of them).
        let span = Double(summary.lastTimestamp) - Double(firstTimestamp)
        // One loop lasts the recorded span plus one mean interval, so the next loop's first frame
        // comes one interval after this loop's last.
        let loopLength = Result { () throws(PacingTimeError) -> Int64 in
            let whole = try PacingTimeError.checked(summary.lastTimestamp.subtractingReportingOverflow(firstTimestamp),
                                                    "the recorded span")
            let interval = summary.requests > 1 ? whole / Int64(summary.requests - 1) : 33_333_333
            return try PacingTimeError.checked(whole.addingReportingOverflow(interval), "one loop's length")
        }
        let rate = max(options.rate, 1e-6)

        var lateness: [Int64] = []
        // One loop's worth: --loop 4294967296 times the requests would overflow, or ask for terabytes.
        lateness.reserveCapacity(summary.requests)
        var framesSent = 0
        var requestsSent = 0
        var loopsCompleted = 0
        var stopped = false
        let clock = options.clock
        let start = clock.now() + (options.asFastAsPossible ? 0 : options.leadNanoseconds)
        var loop = 0
        replay: while options.loops == 0 || loop < options.loops {
            let shift = loop == 0 ? 0 : try PacingTimeError.checked(Int64(loop).multipliedReportingOverflow(by: loopLength.get()),
                                                                    "the time shift of loop \(loop + 1)")
            // Each loop walks the index again: one request in memory at a time.
            let walk = try RequestWalk(reader: reader, streamIDs: routes.map(\.streamID), options: options,
                                       firstTimestamp: recordingStart)
            while let request = try walk.next() {
                if options.stop.isRequested {
                    stopped = true
                    break replay
                }
                // Read and decode before waiting, so the wait absorbs the work.
                var frames: [ReplayFrame] = []
                for buffer in request {
                    var metadata = buffer.metadata
                    metadata.timestamp.nanoseconds = try PacingTimeError.checked(
                        metadata.timestamp.nanoseconds.addingReportingOverflow(shift), "a shifted timestamp")
                    frames.append(ReplayFrame(streamID: buffer.streamID, metadata: metadata,
                                              planes: try buffer.planes.map { try reader.readPlane($0) }))
                }
                if !options.asFastAsPossible {
                    let sinceFirst = try PacingTimeError.checked(
                        request[0].metadata.timestamp.nanoseconds.subtractingReportingOverflow(firstTimestamp), "a request's offset")
                    let recordedOffset = try PacingTimeError.checked(sinceFirst.addingReportingOverflow(shift), "a request's offset")
                    let scaled = try PacingTimeError.nanoseconds(Double(recordedOffset) / rate, "a deadline at --rate \(options.rate)")
                    let deadline = try PacingTimeError.checked(start.addingReportingOverflow(scaled), "a deadline")
                    if clock.sleep(until: deadline, stop: options.stop) {
                        stopped = true
                        break replay
                    }
                    lateness.append(max(0, clock.now() - deadline))
                }
                for frame in frames {
                    try sinks[frame.streamID]?.send(frame)
                    framesSent += 1
                }
                requestsSent += 1
            }
            loop += 1
            loopsCompleted = loop
        }
        for route in routes { try route.sink.finish() }
        let duration = Double(clock.now() - start) / 1e9
        lateness.sort()
        func percentile(_ fraction: Double) -> Int64 { StreamStatistics.percentile(lateness, fraction) }
        return Report(
            framesSent: framesSent, requestsSent: requestsSent, errorsSkipped: skippedPerLoop * max(1, loopsCompleted),
            loopsCompleted: loopsCompleted, durationSeconds: duration,
            achievedRate: duration > 0 ? Double(requestsSent) / duration : 0,
            targetRate: options.asFastAsPossible || span <= 0 ? nil : Double(summary.requests - 1) / (span / 1e9) * rate,
            latenessP50Nanoseconds: percentile(0.5), latenessP99Nanoseconds: percentile(0.99),
            latenessMaxNanoseconds: lateness.last ?? 0, stoppedBySignal: stopped)
    }
}

/// Sleeps until an absolute CLOCK_MONOTONIC time: an interruptible sleep until shortly before it
/// (the kernel's wake-up is late by tens to hundreds of microseconds), then spins the last stretch,
/// so a frame goes out within microseconds of its deadline. A stop request ends the wait at once,
/// in the sleep or in the spin; returns true when it did.
func sleepUntil(monotonicNanoseconds deadline: Int64, stop: StopRequest, spinNanoseconds: Int64 = 200_000) -> Bool {
    if stop.sleep(untilMonotonicNanoseconds: deadline - spinNanoseconds) { return true }
    while MonotonicClock.nanoseconds() < deadline {
        if stop.isRequested { return true }
    }
    return stop.isRequested
}
