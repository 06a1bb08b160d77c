import CamrecEngine
import CamrecStore

/// Turns a `--to` target into a sink: `null`, or a device node.
func makeSink(target: String, stream: StreamDescription) throws -> any FrameSink {
    if target == "null" { return NullSink() }
    throw CommandFailure("cannot replay to '\(target)': V4L2 output is not available in this build; use null.")
}
