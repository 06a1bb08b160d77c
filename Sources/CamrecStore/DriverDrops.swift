/// The one rule for driver drops, shared by the recorder's live count, the statistics stored at
/// close and `camrec info`'s largest gaps: sequence numbers skipped between two consecutive
/// buffers of a stream. A sequence that goes backwards (a wrap, a restart) is not a drop.
public enum DriverDrops {
    /// How many sequence numbers are missing between `previous` and `next`.
    public static func missing(after previous: UInt32, before next: UInt32) -> UInt32 {
        next > previous ? next - previous - 1 : 0
    }
}
