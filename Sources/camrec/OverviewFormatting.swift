import CamrecInspect
import CamrecStore
import Foundation
import V4L2Vocabulary

/// Renders a `RecordingOverview` for people (a table) and for scripts (the `info --json` contract).
enum OverviewFormatting {
    static func text(_ overview: RecordingOverview) -> String {
        var out = ""
        let info = overview.info
        let start = Date(timeIntervalSince1970: Double(info.startWallNanoseconds) / 1e9)
        out += "Recording  \(overview.path)\n"
        out += "  made by  camrec \(info.camrecVersion) on \(info.host), \(ISO8601DateFormatter().string(from: start))\n"
        out += "  source   \(info.source)\n"
        if let source = info.sourceRecording { out += "  replayed \(source)" + (info.sourceDevice.map { " through \($0)" } ?? "") + "\n" }
        out += "  command  \(info.commandLine)\n"
        let rules = overview.requestRules.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
        out += "  requests \(overview.requests) (\(rules.isEmpty ? "none" : rules)), \(overview.incompleteRequests) incomplete\n"
        out += "  chunks   \(overview.chunks)\n"
        for stream in overview.streams {
            let description = stream.description
            let format = description.format
            let statistics = stream.statistics
            out += "\nStream \(description.id) '\(description.name)' (\(description.kind.rawValue))"
            if let device = description.device {
                out += " from \(device.path) [\(device.driver): \(device.card)]"
            }
            out += "\n"
            let planes = format.planes.enumerated().map { "plane \($0.offset): \($0.element.bytesPerLine) B/line, \($0.element.sizeImage) B" }
            if description.kind == .meta {
                out += "  format     \(format.pixelFormat); \(planes.joined(separator: "; "))\n"
            } else {
                out += "  format     \(format.pixelFormat) \(format.width)x\(format.height), field \(format.field.description), "
                    + "colorspace \(FormatNames.colorspace(format.colorspace)), "
                    + "ycbcr-enc \(FormatNames.ycbcrEncoding(format.ycbcrEncoding)), "
                    + "quantization \(FormatNames.quantization(format.quantization)), "
                    + "xfer-func \(FormatNames.transferFunction(format.transferFunction))"
                    + (format.flags == 0 ? "" : ", flags \(FormatNames.formatFlags(format.flags))")
                    + "; \(planes.joined(separator: "; "))\n"
            }
            out += "  buffers    \(statistics.buffers) (ok \(statistics.ok), error \(statistics.errors), cancelled \(statistics.cancelled))\n"
            let rate = stream.meanRate.map { String(format: "%.2f fps", $0) } ?? "-"
            out += "  duration   \(String(format: "%.3f", stream.durationSeconds)) s, \(rate)\n"
            if let p50 = statistics.intervalP50Nanoseconds, let p99 = statistics.intervalP99Nanoseconds,
               let maximum = statistics.intervalMaxNanoseconds {
                out += "  interval   p50 \(milliseconds(p50)), p99 \(milliseconds(p99)), max \(milliseconds(maximum))\n"
            }
            out += "  drops      driver \(statistics.driverDrops) (sequence gaps), recorder \(statistics.recorderDrops)\n"
            if !stream.largestGaps.isEmpty {
                let gaps = stream.largestGaps.map { "\($0.missing) before \($0.sequence)" }.joined(separator: ", ")
                out += "  largest    gaps: \(gaps)\n"
            }
            let ratio = statistics.storedBytes > 0 ? Double(statistics.rawBytes) / Double(statistics.storedBytes) : 0
            out += "  size       \(bytes(statistics.rawBytes)) raw, \(bytes(statistics.storedBytes)) stored (ratio \(String(format: "%.2f", ratio)))\n"
            let grouping = stream.grouping.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
            out += "  requests   \(grouping.isEmpty ? "none" : grouping)\n"
        }
        let drops = overview.streams.reduce(Int64(0)) { $0.saturatingAdding($1.statistics.recorderDrops) }
        if !overview.notes.isEmpty || drops > 0 {
            out += "\nRecorder notes\n"
            if drops > 0 { out += "  \(drops) buffers dropped by the recorder (queue full)\n" }
            for note in overview.notes {
                out += "  \(note.kind.rawValue): \(note.message)\n"
            }
        }
        return out
    }

    private struct JSONOverview: Encodable {
        struct Plane: Encodable {
            var bytesperline: UInt32
            var sizeimage: UInt32
        }
        struct Format: Encodable {
            var fourcc: String
            var width: UInt32
            var height: UInt32
            var field: UInt32
            var colorspace: UInt32
            var buffer_type: UInt32
            var planes: [Plane]
            /// Since index format v2: the code as its 32-bit value (bit 31 for a big-endian
            /// variant), the rest of the colorimetry and the flags, and each enum's v4l2-ctl name.
            var fourcc_code: UInt32
            var ycbcr_enc: UInt32
            var quantization: UInt32
            var xfer_func: UInt32
            var flags: UInt32
            var field_name: String
            var colorspace_name: String
            var ycbcr_enc_name: String
            var quantization_name: String
            var xfer_func_name: String
        }
        struct Device: Encodable {
            var path: String
            var driver: String
            var card: String
            var bus_info: String
        }
        struct Stream: Encodable {
            var id: Int
            var name: String
            var kind: String
            var format: Format
            var device: Device?
            var buffers: Int64
            var errors: Int64
            var cancelled: Int64
            var driver_drops: Int64
            var recorder_drops: Int64
            var first_timestamp_ns: Int64?
            var last_timestamp_ns: Int64?
            var interval_p50_ns: Int64?
            var interval_p99_ns: Int64?
            var interval_max_ns: Int64?
            var mean_rate: Double?
            var raw_bytes: Int64
            var stored_bytes: Int64
            var requests_by_rule: [String: Int64]
            var largest_gaps: [Gap]
        }
        struct Gap: Encodable {
            var previous_sequence: Int64
            var sequence: Int64
            var missing: Int64
            var timestamp_ns: Int64?
        }
        struct Note: Encodable {
            var kind: String
            var stream_id: Int?
            var sequence: UInt32?
            var message: String
        }
        var path: String
        var camrec_version: String
        var host: String
        var source: String
        var source_recording: String?
        var source_device: String?
        var command_line: String
        var start_wall_ns: Int64
        var streams: [Stream]
        var requests: Int64
        var incomplete_requests: Int64
        var requests_by_rule: [String: Int64]
        var request_tolerance_ns: Int64
        var chunks: Int64
        var notes: [Note]
        /// Since index version 3: the driver behind each stream and every control read (empty before).
        var devices: [ControlsFormatting.JSONDevice] = []
        var controls: [ControlsFormatting.JSONControl] = []
        /// Since index version 5: a ring recording's events; whether a recorder still writes it.
        var events: [EventsFormatting.JSONEvent] = []
        var deleted_chunks: [DeletedChunk] = []
        var recording_open = false
        var recorder_pid: Int32?
    }

    static func json(_ overview: RecordingOverview, controls: RecordedControls = RecordedControls(),
                     events: RecordedEvents = RecordedEvents(events: []), deletedChunks: [DeletedChunk] = [],
                     activeRecorder: Int32? = nil) throws -> String {
        var value = JSONOverview(
            path: overview.path, camrec_version: overview.info.camrecVersion, host: overview.info.host,
            source: overview.info.source, source_recording: overview.info.sourceRecording,
            source_device: overview.info.sourceDevice, command_line: overview.info.commandLine,
            start_wall_ns: overview.info.startWallNanoseconds,
            streams: overview.streams.map { stream in
                let format = stream.description.format
                let statistics = stream.statistics
                return JSONOverview.Stream(
                    id: stream.description.id, name: stream.description.name, kind: stream.description.kind.rawValue,
                    format: JSONOverview.Format(
                        fourcc: format.pixelFormat.description, width: format.width, height: format.height, field: format.field.rawValue,
                        colorspace: format.colorspace, buffer_type: format.bufferType.rawValue,
                        planes: format.planes.map { JSONOverview.Plane(bytesperline: $0.bytesPerLine, sizeimage: $0.sizeImage) },
                        fourcc_code: format.pixelFormat.rawValue, ycbcr_enc: format.ycbcrEncoding,
                        quantization: format.quantization, xfer_func: format.transferFunction, flags: format.flags,
                        field_name: format.field.description, colorspace_name: FormatNames.colorspace(format.colorspace),
                        ycbcr_enc_name: FormatNames.ycbcrEncoding(format.ycbcrEncoding),
                        quantization_name: FormatNames.quantization(format.quantization),
                        xfer_func_name: FormatNames.transferFunction(format.transferFunction)),
                    device: stream.description.device.map {
                        JSONOverview.Device(path: $0.path, driver: $0.driver, card: $0.card, bus_info: $0.busInfo)
                    },
                    buffers: statistics.buffers, errors: statistics.errors, cancelled: statistics.cancelled,
                    driver_drops: statistics.driverDrops, recorder_drops: statistics.recorderDrops,
                    first_timestamp_ns: statistics.firstTimestampNanoseconds,
                    last_timestamp_ns: statistics.lastTimestampNanoseconds,
                    interval_p50_ns: statistics.intervalP50Nanoseconds, interval_p99_ns: statistics.intervalP99Nanoseconds,
                    interval_max_ns: statistics.intervalMaxNanoseconds, mean_rate: stream.meanRate,
                    raw_bytes: statistics.rawBytes, stored_bytes: statistics.storedBytes, requests_by_rule: stream.grouping,
                    largest_gaps: stream.largestGaps.map {
                        JSONOverview.Gap(previous_sequence: $0.previousSequence, sequence: $0.sequence, missing: $0.missing,
                                         timestamp_ns: $0.timestampNanoseconds)
                    })
            },
            requests: overview.requests, incomplete_requests: overview.incompleteRequests,
            requests_by_rule: overview.requestRules, request_tolerance_ns: overview.info.requestToleranceNanoseconds,
            chunks: overview.chunks,
            notes: overview.notes.map { JSONOverview.Note(kind: $0.kind.rawValue, stream_id: $0.streamID, sequence: $0.sequence, message: $0.message) })
        value.devices = controls.devices.map(ControlsFormatting.JSONDevice.init)
        value.controls = controls.readings.map { ControlsFormatting.JSONControl($0, info: overview.info) }
        value.events = events.events.map(EventsFormatting.JSONEvent.init)
        value.deleted_chunks = deletedChunks
        value.recording_open = activeRecorder != nil
        value.recorder_pid = activeRecorder
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func milliseconds(_ nanoseconds: Int64) -> String {
        String(format: "%.3f ms", Double(nanoseconds) / 1e6)
    }

    static func bytes(_ count: Int64) -> String {
        let value = Double(count)
        let kibibyte = 1024.0
        if value >= kibibyte * kibibyte * kibibyte { return String(format: "%.2f GiB", value / (kibibyte * kibibyte * kibibyte)) }
        if value >= kibibyte * kibibyte { return String(format: "%.2f MiB", value / (kibibyte * kibibyte)) }
        if value >= kibibyte { return String(format: "%.1f KiB", value / kibibyte) }
        return "\(count) B"
    }
}
