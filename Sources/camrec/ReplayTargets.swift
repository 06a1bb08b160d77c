import CamrecEngine
import CamrecStore
import V4L2
import V4L2Vocabulary

/// The `--to` targets of a replay, resolved: which recorded stream goes to which sink (`null` or
/// the output queue of a device node), each device opened once.
struct ReplayTargets {
    /// One recorded stream sent to a V4L2 node.
    struct DeviceRoute {
        var streamName: String
        var sink: V4L2OutputSink
    }

    var routes: [Replayer.Route] = []
    var deviceRoutes: [DeviceRoute] = []

    /// Resolves `targets` ("TARGET" or "STREAM=TARGET"); a target without a stream takes
    /// `defaultStream`, or the recording's only stream.
    init(reader: RecordingReader, targets: [String], defaultStream: String?, sinkOptions: V4L2OutputSink.Options) throws {
        var devicesInUse: [String: String] = [:]
        for target in targets {
            let (streamName, destination) = Self.split(target)
            let stream = try Self.stream(in: reader, named: streamName ?? defaultStream, target: destination)
            if routes.contains(where: { $0.streamID == stream.id }) {
                throw CommandFailure("stream '\(stream.name)' is given two targets; give each stream one --to.")
            }
            if destination == "null" {
                routes.append(Replayer.Route(streamID: stream.id, sink: NullSink()))
                continue
            }
            if let other = devicesInUse[destination] {
                throw CommandFailure("\(destination) is the target of both '\(other)' and '\(stream.name)'; "
                                     + "a node's output queue takes one stream. Give each stream its own node.")
            }
            devicesInUse[destination] = stream.name
            let sink: V4L2OutputSink
            do {
                sink = try V4L2OutputSink(path: destination, options: sinkOptions, stop: commandStopRequest)
            } catch {
                throw CommandFailure("cannot replay stream '\(stream.name)' to \(destination): \(error)")
            }
            routes.append(Replayer.Route(streamID: stream.id, sink: sink))
            deviceRoutes.append(DeviceRoute(streamName: stream.name, sink: sink))
        }
    }

    /// The one M2M route `--capture-to` records the capture side of.
    func memoryToMemoryRoute() throws -> DeviceRoute {
        let candidates = deviceRoutes.filter { $0.sink.session != nil }
        guard candidates.count == 1, let route = candidates.first else {
            let described = deviceRoutes.map { "\($0.sink.device.path) (\($0.sink.device.role))" }.joined(separator: ", ")
            throw CommandFailure(candidates.isEmpty
                ? "--capture-to records the capture side of a memory-to-memory node, but no --to target is one "
                    + "(\(described.isEmpty ? "only null" : described)); `camrec devices` shows video-m2m nodes."
                : "--capture-to records one M2M node, but \(candidates.count) are targets; replay to one at a time.")
        }
        return route
    }

    private static func stream(in reader: RecordingReader, named name: String?, target: String) throws -> StreamDescription {
        if let name {
            guard let found = reader.stream(named: name) else {
                throw CommandFailure("\(reader.path) has no stream '\(name)'; it has: "
                                     + reader.streams.map(\.name).joined(separator: ", ") + ".")
            }
            return found
        }
        guard reader.streams.count == 1, let only = reader.streams.first else {
            throw CommandFailure("\(reader.path) has \(reader.streams.count) streams ("
                                 + reader.streams.map(\.name).joined(separator: ", ")
                                 + "); say which with --stream S or --to STREAM=\(target).")
        }
        return only
    }

    private static func split(_ target: String) -> (stream: String?, destination: String) {
        guard let equals = target.firstIndex(of: "=") else { return (nil, target) }
        return (String(target[..<equals]), String(target[target.index(after: equals)...]))
    }

    /// Parses `--capture-format [WxH:]FOURCC` ("RGB3", "320x240:RGB3").
    static func captureFormat(_ text: String) -> V4L2CaptureSource.RequestedFormat? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 1 || parts.count == 2, let code = parts.last, let fourcc = PixelFormat(code) else { return nil }
        guard parts.count == 2 else { return V4L2CaptureSource.RequestedFormat(fourcc: fourcc) }
        let size = parts[0].lowercased().split(separator: "x")
        guard size.count == 2, let width = UInt32(size[0]), let height = UInt32(size[1]), width > 0, height > 0 else { return nil }
        return V4L2CaptureSource.RequestedFormat(width: width, height: height, fourcc: fourcc)
    }
}
