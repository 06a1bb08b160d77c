#if canImport(Glibc)
import Glibc
#endif

/// Records kept for an MCAP summary that grows with the export's length (one chunk index per
/// chunk: about 150 bytes per MiB exported, 150 MiB for a terabyte): in memory up to `memoryLimit`
/// bytes, then in an anonymous temporary file (`tmpfile`, in $TMPDIR, gone when closed), so a
/// long export's memory does not grow with it. `write(to:)` copies them into the export.
final class SpooledRecords {
    private var memory: [UInt8] = []
    private var spill: UnsafeMutablePointer<FILE>?
    private let memoryLimit: Int
    /// Bytes appended so far.
    private(set) var byteCount = 0

    init(memoryLimit: Int = 1 << 20) {
        self.memoryLimit = memoryLimit
    }

    deinit {
        if let spill { fclose(spill) }
    }

    func append(_ bytes: [UInt8]) throws(InspectError) {
        byteCount += bytes.count
        if spill == nil {
            memory += bytes
            guard memory.count > memoryLimit else { return }
            guard let file = tmpfile() else {
                let error = errno
                throw .output(path: "(temporary file)", reason: "cannot create a temporary file for the MCAP summary: "
                              + "\(String(cString: strerror(error))) (errno \(error)); check $TMPDIR is writable")
            }
            spill = file
            let spilled = memory
            memory = []
            try write(spilled, to: file)
            return
        }
        if let spill { try write(bytes, to: spill) }
    }

    private func write(_ bytes: [UInt8], to file: UnsafeMutablePointer<FILE>) throws(InspectError) {
        let written = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
        guard written == bytes.count else {
            let error = errno
            throw .output(path: "(temporary file)", reason: "cannot write the MCAP summary's chunk indexes: "
                          + "\(String(cString: strerror(error))) (errno \(error)); check $TMPDIR has space")
        }
    }

    /// Copies every record, in order, into `output` (1 MiB at a time from the temporary file).
    func write(to output: OutputFile) throws(InspectError) {
        guard let spill else {
            try output.write(memory)
            return
        }
        guard fflush(spill) == 0, fseek(spill, 0, SEEK_SET) == 0 else {
            let error = errno
            throw .output(path: "(temporary file)", reason: "cannot read back the MCAP summary's chunk indexes: "
                          + "\(String(cString: strerror(error))) (errno \(error))")
        }
        var block = [UInt8](repeating: 0, count: 1 << 20)
        var remaining = byteCount
        while remaining > 0 {
            let wanted = min(block.count, remaining)
            let read = block.withUnsafeMutableBytes { fread($0.baseAddress, 1, wanted, spill) }
            guard read == wanted else {
                throw .output(path: "(temporary file)", reason: "the MCAP summary's chunk indexes ended early "
                              + "(\(byteCount - remaining + read) of \(byteCount) bytes)")
            }
            let copied: Result<Void, InspectError> = block.withUnsafeBytes { bytes in
                Result { () throws(InspectError) in try output.write(UnsafeRawBufferPointer(rebasing: bytes[0..<read])) }
            }
            try copied.get()
            remaining -= read
        }
    }
}
