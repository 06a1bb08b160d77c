import ArgumentParser
import CamrecEngine

/// `--ring 10s` (a time span: the newest buffers of that long) or `--ring 2GiB` (a size with its
/// unit: the newest buffers whose compressed bytes fit in it).
struct RingCapacityArgument: ExpressibleByArgument, Sendable {
    var capacity: RingOptions.Capacity
    var text: String

    init?(argument: String) {
        let lowered = argument.lowercased()
        if MemorySize.units.contains(where: { lowered.hasSuffix($0.suffix) }), let size = MemorySize(argument: argument) {
            guard size.bytes >= 1 << 20 else { return nil }
            capacity = .bytes(Int64(size.bytes))
        } else if let span = TimeSpan(argument: argument) {
            capacity = .duration(nanoseconds: span.nanoseconds)
        } else {
            return nil
        }
        text = argument
    }
}
