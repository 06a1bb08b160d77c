import Foundation
import V4L2Vocabulary

/// A JSON record carried in a zstd skippable frame (magic 0x184D2A51) inside a chunk: the
/// recording's description and its streams at the start of every chunk, and each recorder
/// note where it happened, and each device's driver and controls where they were read (since index version 3).
/// With the plane headers this makes every chunk self-describing.
public enum MetadataRecord: Sendable, Equatable {
    case recording(RecordingInfo, streams: [StreamDescription])
    case note(RecorderNote)
    /// A device's driver and kernel (at the start of a recording, before its first control values).
    case device(DeviceFacts)
    /// Control values read at the start, or changes seen while recording.
    case controls([ControlReading])
    /// A media device's graph at the start (since index version 4).
    case mediaGraph(MediaGraph)
    /// A trigger of a ring recording and the window it keeps (since index version 5).
    case event(RecordingEvent)

    public static let skippableMagic: UInt32 = 0x184D_2A51
    static let magic: UInt32 = 0x444D_5243  // "CRMD"

    private struct Envelope: Codable {
        var type: String
        var recording: RecordingInfo? = nil
        var streams: [StreamDescription]? = nil
        var note: RecorderNote? = nil
        var device: DeviceFacts? = nil
        var controls: [ControlReading]? = nil
        var mediaGraph: MediaGraph? = nil
        var event: RecordingEvent? = nil
    }

    /// The record wrapped in its skippable frame.
    public func encodedFrame() throws(StoreError) -> [UInt8] {
        let envelope: Envelope
        switch self {
        case let .recording(info, streams):
            envelope = Envelope(type: "recording", recording: info, streams: streams, note: nil)
        case let .note(note):
            envelope = Envelope(type: "note", recording: nil, streams: nil, note: note)
        case let .device(facts):
            envelope = Envelope(type: "device", device: facts)
        case let .controls(readings):
            envelope = Envelope(type: "controls", controls: readings)
        case let .mediaGraph(graph):
            envelope = Envelope(type: "mediaGraph", mediaGraph: graph)
        case let .event(event):
            envelope = Envelope(type: "event", event: event)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json: Data
        do {
            json = try encoder.encode(envelope)
        } catch {
            throw .invalid(path: "metadata record", reason: "cannot encode: \(error)")
        }
        var bytes = [UInt8]()
        bytes.appendLittleEndian(Self.skippableMagic)
        bytes.appendLittleEndian(UInt32(8 + json.count))
        bytes.appendLittleEndian(Self.magic)
        bytes.appendLittleEndian(UInt16(1))
        bytes.appendLittleEndian(UInt16(0))
        bytes.append(contentsOf: json)
        return bytes
    }

    /// Parses the payload of a skippable frame (without its 8-byte frame header).
    public init(payload: UnsafeRawBufferPointer, path: String, offset: Int64) throws(StoreError) {
        guard payload.count >= 8,
              UInt32(littleEndian: payload.loadUnaligned(fromByteOffset: 0, as: UInt32.self)) == Self.magic else {
            throw .corrupt(path: path, offset: offset, reason: "skippable frame is not a camrec metadata record")
        }
        let json = Data(payload[8...])
        let envelope: Envelope
        do {
            envelope = try JSONDecoder().decode(Envelope.self, from: json)
        } catch {
            throw .corrupt(path: path, offset: offset, reason: "metadata record is not valid JSON: \(error)")
        }
        switch envelope.type {
        case "recording":
            guard let info = envelope.recording, let streams = envelope.streams else {
                throw .corrupt(path: path, offset: offset, reason: "recording record without recording or streams")
            }
            // The index keys streams by id and by name: a description that repeats one cannot be indexed.
            var ids = Set<Int>()
            var names = Set<String>()
            for stream in streams {
                guard ids.insert(stream.id).inserted else {
                    throw .corrupt(path: path, offset: offset, reason: "the recording description lists stream id \(stream.id) twice")
                }
                guard names.insert(stream.name).inserted else {
                    throw .corrupt(path: path, offset: offset,
                                   reason: "the recording description lists stream name '\(stream.name)' twice")
                }
            }
            self = .recording(info, streams: streams)
        case "note":
            guard let note = envelope.note else {
                throw .corrupt(path: path, offset: offset, reason: "note record without a note")
            }
            self = .note(note)
        case "device":
            guard let device = envelope.device else {
                throw .corrupt(path: path, offset: offset, reason: "device record without a device")
            }
            self = .device(device)
        case "controls":
            guard let controls = envelope.controls else {
                throw .corrupt(path: path, offset: offset, reason: "controls record without controls")
            }
            self = .controls(controls)
        case "mediaGraph":
            guard let graph = envelope.mediaGraph else {
                throw .corrupt(path: path, offset: offset, reason: "media graph record without a graph")
            }
            self = .mediaGraph(graph)
        case "event":
            guard let event = envelope.event else {
                throw .corrupt(path: path, offset: offset, reason: "event record without an event")
            }
            self = .event(event)
        default:
            throw .corrupt(path: path, offset: offset, reason: "unknown metadata record type '\(envelope.type)'")
        }
    }
}
