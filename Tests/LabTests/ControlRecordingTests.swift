import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing
import V4L2

/// Controls in a vivid recording: the values `camrec info --controls` lists are the ones
/// `v4l2-ctl --list-ctrls` printed just before recording, and a control another process changes
/// while camrec records shows up with the time of the change.
extension Lab {
    @Suite("camrec records controls")
    struct ControlRecordingTests {
        /// key -> value of every int, bool, menu and intmenu control in `v4l2-ctl --list-ctrls`
        /// output, or in `camrec info --controls` output (which prints the same line shape).
        static func scalarValues(_ listing: String) -> [String: Int64] {
            var values: [String: Int64] = [:]
            for line in listing.split(separator: "\n") {
                let words = line.split(separator: " ", omittingEmptySubsequences: true)
                guard words.count > 3, words[1].hasPrefix("0x"),
                      // "(int)" then ":", or "(intmenu):" as one word.
                      ["(int)", "(bool)", "(menu)", "(intmenu)"].contains(words[2].trimmingCharacters(in: [":"])),
                      let field = words.first(where: { $0.hasPrefix("value=") }),
                      let value = Int64(field.dropFirst("value=".count)) else { continue }
                values[String(words[0])] = value
            }
            return values
        }

        /// Controls v4l2-ctl marks volatile: the driver computes their value on each read (vivid's
        /// gain follows its auto gain), so two reads a moment apart may differ.
        static func volatileKeys(_ listing: String) -> Set<String> {
            Set(listing.split(separator: "\n").filter { $0.contains("flags=") && $0.contains("volatile") }
                .compactMap { $0.split(separator: " ").first.map(String.init) })
        }

        @Test func infoListsTheControlsV4l2CtlListedAndAChangeMadeWhileRecording() throws {
            let path = try LabNodes.vividCapture()
            // A known brightness, so setting 100 below is a change.
            try VideoDevice(path: path).setControl("brightness", to: 128)
            let listed = try runProgram(["v4l2-ctl", "-d", path, "--list-ctrls"])
            try #require(listed.status == 0, "v4l2-ctl --list-ctrls failed: \(listed.output)")
            let volatile = Self.volatileKeys(listed.output)
            let expected = Self.scalarValues(listed.output).filter { !volatile.contains($0.key) }
            try #require(expected["brightness"] == 128 && expected.count > 10, "v4l2-ctl listed \(expected)")

            let scratch = try ScratchFolder()
            let recording = scratch.file("controls.camrec")
            let recorder = try BackgroundProgram([CamrecExecutable.path, "record", "-d", path, "-o", recording,
                                                  "--duration", "4"])
            // Change brightness once camrec streams: its first chunk exists within a second of the start.
            let deadline = Date().addingTimeInterval(20)
            while !FileManager.default.fileExists(atPath: recording + "/chunks/000001.zst") && Date() < deadline {
                usleep(50_000)
            }
            usleep(1_000_000)
            let changed = try runProgram(["v4l2-ctl", "-d", path, "-c", "brightness=100"])
            #expect(changed.status == 0, "v4l2-ctl -c failed: \(changed.output)")
            let result = recorder.finish(seconds: 60)
            try #require(result.status == 0, "camrec record exited \(result.status): \(result.standardError)")

            let info = try camrecSucceeding(["info", recording, "--controls"]).standardOutput
            let sections = info.components(separatedBy: "\nChanged while recording")
            try #require(sections.count == 2, "no changes section in:\n\(info)")
            let recorded = Self.scalarValues(sections[0]).filter { !volatile.contains($0.key) }
            #expect(recorded == expected, "camrec info --controls:\n\(info)\nv4l2-ctl --list-ctrls:\n\(listed.output)")
            #expect(info.contains("driver vivid"), "\(info)")
            let changeLines = sections[1].split(separator: "\n").filter { $0.contains(" brightness = ") }
            #expect(changeLines.count == 1 && changeLines.first?.hasSuffix(" brightness = 100") == true, "changes:\(sections[1])")

            // The JSON has the change with its time: after the start, before the end of the 4 s.
            let json = try camrecSucceeding(["info", recording, "--json"]).standardOutput
            let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
            let controls = try #require(object?["controls"] as? [[String: Any]])
            // vivid changes some controls by itself (a counter, flags at STREAMON): those are recorded too.
            let changes = controls.filter { $0["event"] as? String == "change" && $0["key"] as? String == "brightness" }
            #expect(changes.count == 1, "\(changes)")
            let change = try #require(changes.first)
            #expect(change["key"] as? String == "brightness" && change["value"] as? Int == 100)
            let seconds = try #require(change["seconds_from_start"] as? Double)
            #expect(seconds > 0.5 && seconds < 4.5, "changed at \(seconds) s")
            let devices = try #require(object?["devices"] as? [[String: Any]])
            #expect(devices.first?["driver"] as? String == "vivid")
            #expect((devices.first?["kernel_release"] as? String)?.isEmpty == false)
        }

        /// Each menu control's entries, as `v4l2-ctl --list-ctrls-menus` lists them under the control:
        /// key -> the control line's value name and the entry lines ("\t\t\t\t0: 75% Colorbar").
        static func menus(_ listing: String) -> [String: [String]] {
            var menus: [String: [String]] = [:]
            var current: String?
            for line in listing.split(separator: "\n") {
                if line.hasPrefix("\t\t\t\t"), let key = current {
                    menus[key, default: []].append(String(line))
                } else {
                    let words = line.split(separator: " ")
                    current = words.count > 3 && words[1].hasPrefix("0x") ? String(words[0]) : nil
                }
            }
            return menus
        }

        @Test("info --controls names menu values and lists menu entries as v4l2-ctl --list-ctrls-menus does")
        func infoNamesMenuEntriesAsV4l2CtlDoes() throws {
            let path = try LabNodes.vividCapture()
            let listed = try runProgram(["v4l2-ctl", "-d", path, "--list-ctrls-menus"])
            try #require(listed.status == 0, "v4l2-ctl --list-ctrls-menus failed: \(listed.output)")
            let expected = Self.menus(listed.output)
            try #require(expected["test_pattern"]?.isEmpty == false, "v4l2-ctl listed no test_pattern menu:\n\(listed.output)")
            let scratch = try ScratchFolder()
            let recording = scratch.file("menus.camrec")
            try camrecSucceeding(["record", "-d", path, "-o", recording, "--frames", "2"])
            let info = try camrecSucceeding(["info", recording, "--controls"]).standardOutput
            let recorded = Self.menus(info.components(separatedBy: "\nChanged while recording")[0])
            #expect(recorded == expected, "camrec info --controls:\n\(info)\nv4l2-ctl --list-ctrls-menus:\n\(listed.output)")
            // The value of a menu control is named by its entry, as v4l2-ctl names it.
            let patternLine = listed.output.split(separator: "\n").first { $0.contains(" test_pattern ") }
            let recordedLine = info.split(separator: "\n").first { $0.contains(" test_pattern ") }
            #expect(patternLine != nil && patternLine == recordedLine, "v4l2-ctl: \(patternLine ?? "") camrec: \(recordedLine ?? "")")
        }
    }
}
