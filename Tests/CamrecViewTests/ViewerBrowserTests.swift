import CamrecTestSupport
import Foundation
import Testing

/// `camrec view` in headless Chromium (tools/view-browser-check.py, Selenium): drop and error
/// markers where `camrec frames` says they are, clicking and stepping frames, plane views and
/// pixel values, a diff that highlights the one modified frame, the timeline's first paint timed.
/// Screenshots go to .build/view-screenshots/. Needs chromium, chromium-driver and selenium,
/// which tools/setup installs; skipped without them.
@Suite struct ViewerBrowserTests {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static var browserAvailable: Bool {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return ["chromium", "chromedriver"].allSatisfy { tool in
            path.split(separator: ":").contains { FileManager.default.isExecutableFile(atPath: "\($0)/\(tool)") }
        }
    }

    /// The camrec executable beside this test bundle.
    static var camrec: String {
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for candidate in [bundle, bundle.deletingLastPathComponent()] {
            let file = candidate.appendingPathComponent("camrec").path
            if FileManager.default.isExecutableFile(atPath: file) { return file }
        }
        return packageRoot.appendingPathComponent(".build/debug/camrec").path
    }

    @Test(.enabled(if: browserAvailable, "chromium and chromedriver are not installed (tools/setup installs them)"),
          .timeLimit(.minutes(3)))
    func browserShowsMarkersFramesAndTheModifiedFrame() throws {
        let work = NSTemporaryDirectory() + "camrec-view-browser-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: work) }
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        var arguments = [Self.packageRoot.appendingPathComponent("tools/view-browser-check.py").path,
                         "--camrec", Self.camrec, "--work", work,
                         "--screenshots", Self.packageRoot.appendingPathComponent(".build/view-screenshots").path]
        // A large recording made by hand (README: camrec view) is timed too when it is there.
        let big = Self.packageRoot.appendingPathComponent(".build/view-1m.camrec").path
        if FileManager.default.fileExists(atPath: big + "/index.sqlite") { arguments += ["--big", big] }
        // posix_spawn through ChildProcess: Foundation's Process crashes now and then (see there).
        let run = try ChildProcess.run(["/usr/bin/env", "python3"] + arguments, timeout: 170)
        let printed = run.standardOutput
        #expect(run.status == 0 && !run.killedBySignal, "view-browser-check failed:\n\(run.standardError)\n\(printed)")
        print("view-browser-check: \(printed)")
    }
}
