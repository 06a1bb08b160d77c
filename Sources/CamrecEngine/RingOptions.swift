/// How a ring recording (`camrec record --ring`) keeps and saves: the window it holds, what
/// fires a trigger, what a trigger saves after it, and the limits against a storm of triggers.
public struct RingOptions: Sendable, Equatable {
    /// How much the ring holds before the oldest buffer leaves it.
    public enum Capacity: Sendable, Equatable {
        /// Buffers whose timestamps are at most this much older than the newest one.
        case duration(nanoseconds: Int64)
        /// The newest buffers whose compressed bytes add up to at most this much.
        case bytes(Int64)
    }

    public var capacity: Capacity
    /// How long after a trigger (on the buffers' clock) buffers are kept.
    public var postNanoseconds: Int64
    /// The stream conditions that fire a trigger; signals and `camrec trigger` always do.
    public var conditions: [TriggerCondition]
    /// Events after which triggers are ignored (nil: no limit).
    public var maxEvents: Int?
    /// After an event, triggers within this long (on the buffers' clock) are ignored and counted.
    public var cooldownNanoseconds: Int64

    public init(capacity: Capacity, postNanoseconds: Int64, conditions: [TriggerCondition] = [], maxEvents: Int? = nil,
                cooldownNanoseconds: Int64 = 0) {
        self.capacity = capacity
        self.postNanoseconds = postNanoseconds
        self.conditions = conditions
        self.maxEvents = maxEvents
        self.cooldownNanoseconds = cooldownNanoseconds
    }
}
