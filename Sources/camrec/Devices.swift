import ArgumentParser
import Foundation
import V4L2

/// `camrec devices`: every V4L2 video node with its driver, capabilities, media-controller
/// entity and formats with sizes, one readable view of `v4l2-ctl --list-devices --list-formats-ext`.
struct Devices: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List V4L2 video nodes: driver, card, bus, capabilities, media entity, formats and sizes.",
        discussion: """
            Nodes are listed in numeric order; numbers depend on the order drivers loaded, so scripts \
            should pick nodes by driver and name. With --json the keys are stable.
            """)

    @Flag(help: "Print JSON for scripts instead of the human view.")
    var json = false

    func run() throws {
        let report = DevicesReport(nodes: DeviceDiscovery.videoNodePaths().map(NodeReport.init(path:)))
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            encoder.keyEncodingStrategy = .convertToSnakeCase
            let data = try encoder.encode(report)
            print(String(decoding: data, as: UTF8.self))
        }
        if report.nodes.isEmpty {
            let message = "no V4L2 video nodes found (/dev/video* is empty); connect a camera or load a driver (e.g. `modprobe vivid`)."
            if json {
                FileHandle.standardError.write(Data((message + "\n").utf8))
            } else {
                print(message)
            }
            return
        }
        if !json { print(report.humanText, terminator: "") }
    }
}

/// What `camrec devices --json` prints.
struct DevicesReport: Codable {
    var nodes: [NodeReport]

    var humanText: String {
        var text = ""
        for node in nodes {
            text += "\(node.path)" + (node.name.map { "  '\($0)'" } ?? "") + "\n"
            if let error = node.error {
                text += "  cannot query: \(error)\n\n"
                continue
            }
            text += "  driver \(node.driver ?? "?"), card '\(node.card ?? "?")', bus \(node.busInfo ?? "?"), version \(node.driverVersion ?? "?")\n"
            if let role = node.role { text += "  role: \(role)\n" }
            text += "  node capabilities: \(node.nodeCapabilities.joined(separator: ", "))\n"
            text += "  device capabilities: \(node.deviceCapabilities.joined(separator: ", "))\n"
            if let media = node.media {
                text += "  media: \(media.device) (\(media.driver), '\(media.model)')"
                if let id = media.entityId, let name = media.entityName { text += ", entity \(id) '\(name)'" }
                text += "\n"
            } else {
                text += "  media: none\n"
            }
            for queue in node.queues {
                text += "  \(queue.type) formats:" + (queue.formats.isEmpty ? " none" : "") + "\n"
                if let current = queue.current { text += "    current: \(current)\n" }
                for format in queue.formats {
                    text += "    \(format.fourcc.padding(toLength: 6, withPad: " ", startingAt: 0))\(format.description)"
                        + (format.compressed ? " (compressed)" : "") + "\n"
                    if let sizes = format.sizes { text += "      " + sizes.humanText + "\n" }
                }
            }
            if let queueError = node.queueError { text += "  formats unavailable: \(queueError)\n" }
            text += "\n"
        }
        return text
    }
}

/// One node in the report.
struct NodeReport: Codable {
    var path: String
    /// The sysfs name (/sys/class/video4linux/videoN/name).
    var name: String?
    var driver: String?
    var card: String?
    var busInfo: String?
    var driverVersion: String?
    /// "capture", "output" or "memory-to-memory"; nil for nodes without a video or metadata queue.
    var role: String?
    var nodeCapabilities: [String] = []
    var deviceCapabilities: [String] = []
    var media: MediaReport?
    var queues: [QueueReport] = []
    /// Why the node could not be queried at all.
    var error: String?
    /// Why its queues could not be listed (a radio or VBI node, say).
    var queueError: String?

    init(path: String) {
        self.path = path
        name = DeviceDiscovery.sysfsName(of: path)
        let info: DeviceInfo
        do {
            info = try DeviceInfo.query(path: path)
        } catch {
            self.error = error.description
            return
        }
        driver = info.driver
        card = info.card
        busInfo = info.busInfo
        driverVersion = info.versionString
        nodeCapabilities = info.nodeCapabilities.names
        deviceCapabilities = info.capabilities.names
        // A node without media controller support simply has no media entry.
        if let location = try? MediaDevice.locate(videoNode: path) {
            media = MediaReport(device: location.mediaDevicePath, driver: location.mediaDevice.driver,
                                model: location.mediaDevice.model, interfaceId: location.interface.id,
                                entityId: location.entity?.id, entityName: location.entity?.name)
        }
        do {
            let device = try VideoDevice(path: path)
            role = device.role.description
            for queue in [device.captureQueue, device.outputQueue].compactMap({ $0 }) {
                queues.append(QueueReport(queue: queue))
            }
        } catch {
            queueError = error.description
        }
    }
}

/// The media device and entity a node belongs to.
struct MediaReport: Codable {
    var device: String
    var driver: String
    var model: String
    var interfaceId: UInt32
    var entityId: UInt32?
    var entityName: String?
}

/// The formats of one queue of a node.
struct QueueReport: Codable {
    /// "video-capture", "video-capture-mplane", "meta-capture", ...
    var type: String
    var current: String?
    var formats: [FormatReport]

    init(queue: BufferQueue) {
        type = queue.type.description
        current = (try? queue.currentFormat())?.description
        let descriptions = (try? queue.formats()) ?? []
        formats = descriptions.map { FormatReport(description: $0, queue: queue) }
    }
}

/// One pixel or metadata format with its frame sizes.
struct FormatReport: Codable {
    var fourcc: String
    var description: String
    var compressed: Bool
    var sizes: SizesReport?

    init(description: FormatDescription, queue: BufferQueue) {
        fourcc = description.pixelFormat.description
        self.description = description.name
        compressed = description.isCompressed
        // Metadata queues and most M2M queues do not enumerate sizes; that is not an error.
        guard let sizes = try? queue.frameSizes(for: description.pixelFormat) else { return }
        switch sizes {
        case .discrete(let list):
            self.sizes = SizesReport(kind: "discrete", discrete: list.map { size in
                let intervals = (try? queue.frameIntervals(for: description.pixelFormat, size: size)) ?? []
                return DiscreteSizeReport(size: size.description, width: size.width, height: size.height,
                                          intervals: intervals.map { "\($0.numerator)/\($0.denominator)" })
            })
        case .stepwise(let range), .continuous(let range):
            let kind = if case .stepwise = sizes { "stepwise" } else { "continuous" }
            self.sizes = SizesReport(kind: kind, minimum: range.minimum.description, maximum: range.maximum.description,
                                     step: "\(range.widthStep)x\(range.heightStep)")
        }
    }
}

/// The frame sizes of a format: a list (discrete) or a range (stepwise, continuous).
struct SizesReport: Codable {
    var kind: String
    var discrete: [DiscreteSizeReport]?
    var minimum: String?
    var maximum: String?
    var step: String?

    var humanText: String {
        if let discrete {
            return discrete.map { size in
                size.intervals.isEmpty ? size.size : "\(size.size) @ \(size.intervals.joined(separator: ", "))"
            }.joined(separator: "\n      ")
        }
        return "\(kind) \(minimum ?? "?") - \(maximum ?? "?")" + (kind == "stepwise" ? ", step \(step ?? "?")" : "")
    }
}

/// One discrete frame size and its frame intervals (seconds per frame, "1/30").
struct DiscreteSizeReport: Codable {
    var size: String
    var width: UInt32
    var height: UInt32
    var intervals: [String]
}
