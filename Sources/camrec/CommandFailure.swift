import ArgumentParser

/// A failure a subcommand reports to the user: one clear line on stderr and a non-zero exit.
struct CommandFailure: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}

/// Standard error, for announcements that must not mix with a command's output.
func printError(_ text: String) {
    var stream = StandardError()
    print(text, to: &stream)
}

struct StandardError: TextOutputStream {
    mutating func write(_ string: String) {
        writeStandardError(string)
    }
}

import SystemPackage

/// Writes straight to file descriptor 2 (unbuffered, safe from any thread; EINTR retried by
/// swift-system's writeAll). A failed write to stderr has nowhere to be reported.
func writeStandardError(_ text: String) {
    _ = try? FileDescriptor.standardError.writeAll(Array(text.utf8))
}
