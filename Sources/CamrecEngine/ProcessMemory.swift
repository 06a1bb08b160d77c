import Foundation

/// This process's memory as the kernel counts it (/proc/self/status): what the recorder's
/// `--max-memory` ceiling is measured against.
enum ProcessMemory {
    /// VmRSS: resident now, in bytes; nil where /proc is not mounted.
    static var residentBytes: Int? { field("VmRSS:") }
    /// VmHWM: the most that was ever resident, in bytes.
    static var peakResidentBytes: Int? { field("VmHWM:") }

    private static func field(_ name: String) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix(name) {
            // "VmRSS:	   12345 kB"
            let words = line.dropFirst(name.count).split(whereSeparator: { $0 == " " || $0 == "\t" })
            if let first = words.first, let kibibytes = Int(first) {
                return kibibytes.multipliedReportingOverflow(by: 1024).partialValue
            }
        }
        return nil
    }
}
