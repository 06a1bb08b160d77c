import ArgumentParser
import CamrecStore
import Foundation

struct Frames: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the buffers of a recording with their metadata.",
        discussion: """
            Examples:
              camrec frames demo.camrec --stream main
              camrec frames demo.camrec --json
            """)

    @Argument(help: "The recording folder.")
    var recording: String

    @Option(help: "Only this stream (name or number).")
    var stream: String?

    @Flag(help: "Print JSON lines instead of a table.")
    var json = false

    func run() throws {
        let reader = try RecordingReader(path: recording)
        var streamID: Int?
        if let stream {
            guard let found = reader.stream(named: stream) else {
                throw CommandFailure("\(recording) has no stream '\(stream)'; it has: "
                                     + reader.streams.map(\.name).joined(separator: ", ") + ".")
            }
            streamID = found.id
        }
        let names = Dictionary(uniqueKeysWithValues: reader.streams.map { ($0.id, $0.name) })
        let buffers = try reader.buffers(streamID: streamID)
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            for buffer in buffers {
                let row = FrameRow(buffer: buffer, stream: names[buffer.streamID] ?? "?")
                print(String(decoding: try encoder.encode(row), as: UTF8.self))
            }
            return
        }
        print(String(format: "%-10@ %10@ %20@ %-9@ %8@ %12@ %12@ %@", "STREAM" as NSString, "SEQUENCE" as NSString,
                     "TIMESTAMP_NS" as NSString, "STATUS" as NSString, "REQUEST" as NSString, "BYTESUSED" as NSString,
                     "STORED" as NSString, "FLAGS" as NSString))
        for buffer in buffers {
            let bytesUsed = buffer.planes.map { String($0.metadata.bytesUsed) }.joined(separator: "+")
            let stored = buffer.planes.reduce(Int64(0)) { $0 + $1.location.compressedLength }
            print(String(format: "%-10@ %10u %20lld %-9@ %8lld %12@ %12lld 0x%08x", (names[buffer.streamID] ?? "?") as NSString,
                         buffer.metadata.sequence, buffer.metadata.timestamp.nanoseconds,
                         buffer.metadata.status.rawValue as NSString, buffer.requestID, bytesUsed as NSString, stored,
                         buffer.metadata.flags))
        }
    }
}

/// One buffer as `frames --json` prints it.
struct FrameRow: Encodable {
    var buffer_id: Int64
    var stream: String
    var request: Int64
    var status: String
    var sequence: UInt32
    var timestamp_ns: Int64
    var clock: String
    var flags: UInt32
    var field: UInt32
    var planes: [Plane]

    struct Plane: Encodable {
        var bytesused: UInt32
        var data_offset: UInt32
        var length: UInt32
        var stored_bytes: Int64
        var chunk: Int64
        var offset: Int64
        var checksum: String
    }

    init(buffer: IndexedBuffer, stream: String) {
        buffer_id = buffer.bufferID
        self.stream = stream
        request = buffer.requestID
        status = buffer.metadata.status.rawValue
        sequence = buffer.metadata.sequence
        timestamp_ns = buffer.metadata.timestamp.nanoseconds
        clock = buffer.metadata.timestamp.clock.rawValue
        flags = buffer.metadata.flags
        field = buffer.metadata.field
        planes = buffer.planes.map {
            Plane(bytesused: $0.metadata.bytesUsed, data_offset: $0.metadata.dataOffset, length: $0.metadata.length,
                  stored_bytes: $0.location.compressedLength, chunk: $0.location.chunkID, offset: $0.location.offset,
                  checksum: String(format: "%016llx", $0.checksum))
        }
    }
}
