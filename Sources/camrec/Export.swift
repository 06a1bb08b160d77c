import ArgumentParser
import CamrecStore
import Foundation

struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write one recorded buffer to a file.",
        discussion: """
            FILE.raw receives the exact bytes that were recorded, planes concatenated in plane order.

            Example:
              camrec export demo.camrec --stream main --sequence 10 -o frame10.raw
            """)

    @Argument(help: "The recording folder.")
    var recording: String

    @Option(help: "The stream (name or number).")
    var stream: String

    @Option(help: "The buffer's sequence number.")
    var sequence: UInt32

    @Option(name: [.short, .customLong("output")], help: "The file to write (.raw).")
    var output: String

    @Flag(help: "Replace the output file if it exists.")
    var force = false

    func validate() throws {
        guard output.hasSuffix(".raw") else {
            throw ValidationError("-o/--output must name a .raw file (the exact recorded bytes), e.g. -o frame.raw.")
        }
    }

    func run() throws {
        let reader = try RecordingReader(path: recording)
        guard let description = reader.stream(named: stream) else {
            throw CommandFailure("\(recording) has no stream '\(stream)'; it has: "
                                 + reader.streams.map(\.name).joined(separator: ", ") + ".")
        }
        let matches = try reader.buffers(streamID: description.id, where: .sequence(sequence))
        guard let buffer = matches.first else {
            throw CommandFailure("stream '\(description.name)' has no buffer with sequence \(sequence); "
                                 + "`camrec frames \(recording) --stream \(description.name)` lists them.")
        }
        let bytes = try reader.readBuffer(buffer)
        try writeFile(bytes, to: output, replace: force)
        printError("camrec: wrote \(bytes.count) bytes of \(description.name) sequence \(sequence) "
                   + "(\(description.format.fourcc) \(description.format.width)x\(description.format.height)) to \(output)")
    }
}

/// Writes a new file; refuses to replace an existing one unless asked.
func writeFile(_ bytes: [UInt8], to path: String, replace: Bool) throws {
    let flags = O_WRONLY | O_CREAT | O_CLOEXEC | (replace ? O_TRUNC : O_EXCL)
    let descriptor = open(path, flags, 0o644)
    guard descriptor >= 0 else {
        if errno == EEXIST { throw CommandFailure("\(path) already exists; choose another name or pass --force to replace it.") }
        throw CommandFailure("cannot create \(path): \(String(cString: strerror(errno))) (errno \(errno)).")
    }
    defer { close(descriptor) }
    var offset = 0
    while offset < bytes.count {
        let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress.map { $0 + offset }, bytes.count - offset) }
        if written < 0 {
            if errno == EINTR { continue }
            throw CommandFailure("cannot write \(path): \(String(cString: strerror(errno))) (errno \(errno)).")
        }
        offset += written
    }
}
