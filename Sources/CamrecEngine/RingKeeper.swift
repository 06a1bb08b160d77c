import CamrecStore

/// The ring of a ring recording (`camrec record --ring`), in the write stage: every buffer goes
/// into the on-disk ring (`RingSpool`), which keeps the newest window and lets older buffers go;
/// a trigger (a `TriggerCondition` a buffer fires, a recorder drop, SIGUSR1 or `camrec trigger`)
/// becomes an event in the recording and moves the ring into it, and the buffers of the next
/// `postNanoseconds` (on the buffers' clock) go straight into the recording. A trigger while a
/// window is open extends it, so overlapping windows merge. `maxEvents` and the cool-down ignore
/// triggers beyond them (counted, and noted when the recording closes).
///
/// Windows are decided on the buffers' own timestamps: a buffer is kept when its timestamp is at
/// most the ring's duration before an event's time, or at most `postNanoseconds` after it. When the
/// ring let no buffer go since the previous window (the driver delivered nothing in between, as
/// in a long sequence gap), the new window starts where that one's last buffer is: the two are one
/// continuous span, and the gap between them is the driver's, not a cut.
/// Used by the write stage's thread only.
final class RingKeeper {
    private let options: RingOptions
    private let writer: RecordingWriter
    private let spool: RingSpool
    private let budget: MemoryBudget
    private let counters: RecorderCounters
    private var detector: TriggerDetector
    private var streamNames: [Int: String]
    /// Buffers with a timestamp up to this go straight into the recording.
    private var postUntil: Int64?
    private var newestTimestamp: Int64?
    private var lastEventTimestamp: Int64?
    private var events = 0
    private var ignoredByLimit = 0
    private var ignoredByCooldown = 0
    private var lastTrigger: String?
    /// The newest timestamp saved into the recording, and whether the ring let a buffer go since: when
    /// it did not, a new window continues the previous one (nothing between them was cut, so a
    /// sequence gap there is the driver's own).
    private var lastKeptTimestamp: Int64?
    private var evictedSinceKept = false
    /// The most buffers the ring may hold: each keeps its metadata in memory (`PipelineCosts.indexRowBytes`
    /// of the budget), and the ring may take half the budget, so the pipeline always has room to move.
    private let maxEntries: Int
    private var limitedByMemory = false

    init(options: RingOptions, writer: RecordingWriter, spool: RingSpool, budget: MemoryBudget,
         counters: RecorderCounters) {
        self.options = options
        self.writer = writer
        self.spool = spool
        self.budget = budget
        self.counters = counters
        detector = TriggerDetector(conditions: options.conditions)
        maxEntries = max(1, budget.limit / 2 / PipelineCosts.indexRowBytes)
        streamNames = Dictionary(writer.streams.map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
        publish()
    }

    /// Takes a buffer in capture order: into the recording while a window is open, else into the
    /// ring; then fires what it triggers.
    func offer(_ buffer: EncodedBuffer) throws(StoreError) {
        let timestamp = buffer.metadata.timestamp.nanoseconds
        newestTimestamp = max(newestTimestamp ?? timestamp, timestamp)
        if let postUntil, timestamp <= postUntil {
            try keep(buffer)
        } else {
            try spool.push(buffer)
            try evict()
        }
        let name = streamName(buffer.streamID)
        for fired in detector.inspect(buffer, streamName: name) { try fire(fired) }
        publish()
    }

    /// The capture stage dropped a buffer: not a driver's gap; a trigger with `--trigger-on recorder-drop`.
    func recorderDropped(streamID: Int, sequence: UInt32, reason: String) throws(StoreError) {
        if let fired = detector.recorderDropped(streamID: streamID, sequence: sequence, streamName: streamName(streamID),
                                                reason: reason) {
            try fire(fired)
            publish()
        }
    }

    /// A trigger from outside (SIGUSR1, `camrec trigger`): its time is the newest buffer's.
    func external(_ pending: TriggerRequest.Pending) throws(StoreError) {
        let sender = pending.senderProcessID > 0 ? " from process \(pending.senderProcessID)" : ""
        let fired = switch pending.source {
        case .signal: TriggerDetector.Fired(trigger: .signal, detail: "SIGUSR1" + sender, streamID: nil, sequence: nil,
                                            timestampNanoseconds: nil)
        case .command: TriggerDetector.Fired(trigger: .command, detail: "camrec trigger" + sender, streamID: nil,
                                             sequence: nil, timestampNanoseconds: nil)
        }
        try fire(fired)
        publish()
    }

    /// Notes what the limits ignored and removes the ring's spool; what is still in the ring is not
    /// part of any window and goes with it.
    func finish() throws(StoreError) {
        defer {
            while !spool.isEmpty { dropOldest() }
            spool.removeAll()
        }
        if ignoredByLimit > 0 || ignoredByCooldown > 0 {
            var parts: [String] = []
            if ignoredByLimit > 0 { parts.append("\(ignoredByLimit) after --max-events \(options.maxEvents ?? 0) was reached") }
            if ignoredByCooldown > 0 {
                parts.append("\(ignoredByCooldown) within the cool-down of \(Double(options.cooldownNanoseconds) / 1e9) s")
            }
            try writer.addNote(kind: .info, message: "Ring recording: \(events) events; triggers ignored: " + parts.joined(separator: ", "))
        }
    }

    private func fire(_ fired: TriggerDetector.Fired) throws(StoreError) {
        let time = fired.timestampNanoseconds ?? newestTimestamp ?? 0
        if let maxEvents = options.maxEvents, events >= maxEvents {
            ignoredByLimit += 1
            return
        }
        if options.cooldownNanoseconds > 0, let last = lastEventTimestamp, time - last < options.cooldownNanoseconds {
            ignoredByCooldown += 1
            return
        }
        var windowStart: Int64 = switch options.capacity {
        case let .duration(nanoseconds): time.saturatingSubtracting(nanoseconds)
        case .bytes: min(spool.oldest?.timestampNanoseconds ?? time, time)
        }
        if !evictedSinceKept, let lastKeptTimestamp { windowStart = min(windowStart, lastKeptTimestamp) }
        let windowEnd = time.saturatingAdding(options.postNanoseconds)
        events += 1
        let event = RecordingEvent(
            id: Int64(events), trigger: fired.trigger, detail: fired.detail, wallNanoseconds: MonotonicClock.wallNanoseconds(),
            timestampNanoseconds: time, streamID: fired.streamID, sequence: fired.sequence,
            windowStartNanoseconds: windowStart, windowEndNanoseconds: windowEnd)
        try writer.addEvent(event)
        // The ring before the trigger joins the recording, oldest first.
        while let buffer = try spool.takeOldest() { try keep(buffer) }
        postUntil = max(postUntil ?? windowEnd, windowEnd)
        lastEventTimestamp = time
        lastTrigger = "\(fired.trigger.rawValue): \(fired.detail)"
    }

    private func keep(_ buffer: EncodedBuffer) throws(StoreError) {
        try writer.append(buffer)
        counters.written(buffer)
        let timestamp = buffer.metadata.timestamp.nanoseconds
        lastKeptTimestamp = max(lastKeptTimestamp ?? timestamp, timestamp)
        evictedSinceKept = false
    }

    /// Lets the buffers go that fell out of the ring, or that the memory budget has no room for.
    private func evict() throws(StoreError) {
        if spool.count > maxEntries {
            while spool.count > maxEntries { dropOldest() }
            if !limitedByMemory {
                limitedByMemory = true
                try writer.addNote(kind: .info, message: "Ring recording: the ring holds at most \(maxEntries) buffers within "
                                   + "--max-memory (half the pipeline's budget of \(budget.limit >> 20) MiB, 512 bytes of metadata "
                                   + "each); older buffers left it before --ring said. Raise --max-memory for a longer ring.")
            }
        }
        switch options.capacity {
        case let .duration(nanoseconds):
            guard let newest = newestTimestamp else { return }
            let horizon = newest.saturatingSubtracting(nanoseconds)
            while let oldest = spool.oldest, oldest.timestampNanoseconds < horizon { dropOldest() }
        case let .bytes(limit):
            while spool.count > 1, spool.storedBytes > limit { dropOldest() }
        }
    }

    /// A buffer that leaves the ring unsaved gives back the index-row bytes it held in the budget.
    private func dropOldest() {
        evictedSinceKept = true
        spool.dropOldest()
        budget.release(PipelineCosts.indexRowBytes, from: .commit)
    }

    private func streamName(_ id: Int) -> String {
        if let name = streamNames[id] { return name }
        let name = writer.streams.first { $0.id == id }?.name ?? "stream \(id)"
        streamNames[id] = name
        return name
    }

    private func publish() {
        let held: Double
        let fill: Double
        switch options.capacity {
        case let .duration(nanoseconds):
            let span = Double((spool.newest?.timestampNanoseconds ?? 0) - (spool.oldest?.timestampNanoseconds ?? 0))
            held = span / 1e9
            fill = nanoseconds > 0 ? min(1, span / Double(nanoseconds)) : 0
        case let .bytes(limit):
            held = Double((spool.newest?.timestampNanoseconds ?? 0) - (spool.oldest?.timestampNanoseconds ?? 0)) / 1e9
            fill = limit > 0 ? min(1, Double(spool.storedBytes) / Double(limit)) : 0
        }
        counters.ring(RingStatus(fill: fill, heldSeconds: held, heldBytes: spool.storedBytes, events: events,
                                 ignoredTriggers: ignoredByLimit + ignoredByCooldown, lastTrigger: lastTrigger,
                                 saving: postUntil.map { ($0 >= (newestTimestamp ?? .min)) } ?? false))
    }
}
