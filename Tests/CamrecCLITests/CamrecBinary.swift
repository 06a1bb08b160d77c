import CamrecTestSupport
import Foundation

/// Runs the `camrec` executable built next to this test bundle, as a user would.
enum CamrecBinary {
    static var path: String {
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        // `swift test` runs .build/<config>/<Package>PackageTests.xctest; camrec sits beside it.
        for candidate in [bundle, bundle.deletingLastPathComponent()] {
            let file = candidate.appendingPathComponent("camrec").path
            if FileManager.default.isExecutableFile(atPath: file) { return file }
        }
        return bundle.appendingPathComponent("camrec").path
    }

    typealias Result = ChildProcess.Result

    /// Runs camrec with `arguments` (see `ChildProcess.run`: SIGINT after `interruptAfter`,
    /// SIGKILL after `timeout`).
    static func run(_ arguments: [String], in directory: String? = nil, interruptAfter: Double? = nil,
                    timeout: Double = 120) throws -> Result {
        try ChildProcess.run([path] + arguments, in: directory, interruptAfter: interruptAfter, timeout: timeout)
    }

    static func scratch() throws -> String {
        let template = NSTemporaryDirectory() + "/camrec-cli-XXXXXX"
        var bytes = Array(template.utf8CString)
        guard let made = mkdtemp(&bytes) else { throw CocoaError(.fileWriteUnknown) }
        return String(cString: made)
    }
}
