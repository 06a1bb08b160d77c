import Foundation
import Testing

/// Every numeric option of every command, given 0, -1, huge, NaN, infinities and nothing: camrec
/// either accepts the value and exits normally, or refuses it as a usage error (exit 64) naming the
/// option. It is never killed by a signal: `Int64(1e30 * 1e9)` and friends trap (SIGILL), and a
/// trapped recorder leaves a recording nobody closed.
@Suite("Extreme numbers")
struct ExtremeValueTests {
    static let values = ["0", "-1", "1e30", "99999999999999999999", "nan", "inf", "-inf", ""]

    /// One option and how a command line with it is made.
    struct NumericOption: Sendable, CustomTestStringConvertible {
        var command: String
        /// How the option is written ("--rate", "--device").
        var name: String
        /// The command line up to the option: the recording, an output in `scratch`, whatever makes
        /// the command quick (one buffer of a 32x32 camera, the null sink).
        var base: @Sendable (_ recording: String, _ scratch: String) -> [String]
        /// Text around each value ("/dev/nonexistent:" + value + "x2" for a size in -d, or "s" for a time).
        var affixes: [(prefix: String, suffix: String)] = [("", "")]
        /// Values (with their affixes) that are valid: the command must run and exit 0.
        var accepts: Set<String> = []
        /// Valid values that run until stopped (replay --loop 0): sent Ctrl-C after a few seconds.
        var runsUntilStopped: Set<String> = []

        var testDescription: String { "\(command) \(name)" }
    }

    static let record: @Sendable (String, String) -> [String] = { _, scratch in
        ["record", "-o", scratch + "/out.camrec", "--synthetic", "--synthetic-unpaced", "--synthetic-size", "32x32",
         "--frames", "1", "--workers", "1"]
    }
    static let replay: @Sendable (String, String) -> [String] = { recording, _ in
        ["replay", recording, "--stream", "main", "--to", "null"]
    }

    /// Ranges `frames` takes (and lists nothing or everything for): a negative start is before the
    /// first buffer, an empty end leaves the range open.
    static let frameRanges: Set<String> = ["0", "-1", "0..5", "-1..5", "..5", "0..0", "0.."]

    static let options: [NumericOption] = [
        NumericOption(command: "record", name: "--buffers", base: record),
        NumericOption(command: "record", name: "--request-tolerance", base: record, accepts: ["0"]),
        NumericOption(command: "record", name: "--frames", base: record),
        NumericOption(command: "record", name: "--duration", base: record),
        NumericOption(command: "record", name: "--level", base: record),
        NumericOption(command: "record", name: "--workers", base: record),
        NumericOption(command: "record", name: "--chunk-size", base: record),
        NumericOption(command: "record", name: "--chunk-duration", base: record),
        NumericOption(command: "record", name: "--max-memory", base: record, affixes: [("", ""), ("", "MiB"), ("", "GiB")]),
        NumericOption(command: "record", name: "--synthetic-size", base: record, affixes: [("", ""), ("", "x32"), ("32x", "")]),
        NumericOption(command: "record", name: "--synthetic-fps", base: record),
        NumericOption(command: "record", name: "--synthetic-drop-every", base: record),
        NumericOption(command: "record", name: "--synthetic-error-every", base: record),
        NumericOption(command: "record", name: "--device", base: { _, scratch in ["record", "-o", scratch + "/out.camrec", "--frames", "1"] },
                      // Five characters or more: four would also read as a fourcc (DEV:FOURCC).
                      affixes: [("/dev/nonexistent:", "x2222"), ("/dev/nonexistent:2222x", "")]),
        NumericOption(command: "record", name: "--device", base: { _, scratch in ["record", "-o", scratch + "/out.camrec", "--frames", "1"] },
                      affixes: [("/dev/nonexistent:32x32:YUYV@", ""), ("/dev/nonexistent@1/", ""), ("/dev/nonexistent@", "/15")]),
        NumericOption(command: "record", name: "--skip", base: record, accepts: ["0"]),
        NumericOption(command: "record", name: "--set-ctrl", base: record, affixes: [("brightness=", ""), ("/dev/video0:brightness=", "")]),
        NumericOption(command: "replay", name: "--rate", base: replay),
        NumericOption(command: "replay", name: "--loop", base: replay, accepts: ["0"], runsUntilStopped: ["0"]),
        NumericOption(command: "replay", name: "--from", base: replay, affixes: [("", ""), ("", "s"), ("", "ms")],
                      accepts: ["0", "0s", "0ms"]),
        NumericOption(command: "replay", name: "--until", base: replay, affixes: [("", ""), ("", "s"), ("", "ms")],
                      accepts: ["0", "0s", "0ms"]),
        NumericOption(command: "replay", name: "--buffers", base: replay),
        NumericOption(command: "diff", name: "--min-psnr", base: { recording, _ in ["diff", recording, recording] }),
        NumericOption(command: "diff", name: "--tolerance", base: { recording, _ in ["diff", recording, recording, "--pair", "timestamp"] },
                      accepts: ["0"]),
        NumericOption(command: "frames", name: "--sequence", base: { recording, _ in ["frames", recording] },
                      affixes: [("", ""), ("", "..5"), ("0..", "")], accepts: frameRanges),
        NumericOption(command: "frames", name: "--time", base: { recording, _ in ["frames", recording] },
                      affixes: [("", ""), ("", "..5"), ("0..", "")], accepts: frameRanges),
        NumericOption(command: "frames", name: "--limit", base: { recording, _ in ["frames", recording] }),
        NumericOption(command: "export", name: "--sequence",
                      base: { recording, scratch in ["export", recording, "--stream", "main", "-o", scratch + "/frame.raw"] },
                      accepts: ["0"]),
        NumericOption(command: "export", name: "--time", base: { recording, scratch in ["export", recording, "-o", scratch + "/w.mcap"] },
                      affixes: [("", ""), ("", "..5"), ("0..", "")], accepts: frameRanges),
        NumericOption(command: "export", name: "--sequence", base: { recording, scratch in ["export", recording, "-o", scratch + "/w.mcap"] },
                      affixes: [("", ""), ("", "..5"), ("0..", "")], accepts: frameRanges),
        NumericOption(command: "export", name: "--level", base: { recording, scratch in ["export", recording, "-o", scratch + "/w.mcap"] }),
    ]

    /// Two buffers per stream of a 32x32 synthetic camera, made once for every case. It stays in
    /// the temporary folder (a few KiB): Swift Testing has no hook after the last case.
    static let recording: Result<String, any Error> = Result {
        let folder = try CamrecBinary.scratch()
        let path = folder + "/tiny.camrec"
        let made = try CamrecBinary.run(["record", "-o", path, "--frames", "2", "--synthetic-unpaced", "--synthetic-size", "32x32",
                                         "--workers", "1"])
        guard made.status == 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSDebugDescriptionErrorKey: made.standardError]) }
        return path
    }

    @Test("no value traps; each is accepted and runs, or is refused naming the option", arguments: options)
    func noValueTraps(_ option: NumericOption) throws {
        let recording = try Self.recording.get()
        for value in Self.values {
            for affix in option.affixes {
                let text = affix.prefix + value + affix.suffix
                // Both spellings: `--rate=-1` hands the parser the value; `--rate -1` may read it as an option.
                let short = option.name == "--device" ? "-d" : option.name
                for spelling in [[option.name + "=" + text], [short, text]] {
                    let scratch = try CamrecBinary.scratch()
                    defer { try? FileManager.default.removeItem(atPath: scratch) }
                    let arguments = option.base(recording, scratch) + spelling
                    let result = try CamrecBinary.run(arguments, interruptAfter: option.runsUntilStopped.contains(text) ? 5 : nil)
                    let context = "camrec \(arguments.joined(separator: " ")): exit \(result.status)\n\(result.standardError)"
                    #expect(!result.killedBySignal, "killed by signal \(result.status): \(context)")
                    if option.accepts.contains(text) && spelling.count == 1 {
                        #expect(result.status == 0, "a valid value: \(context)")
                    } else if result.status != 0 {
                        #expect(result.status == 64, "refused as a usage error: \(context)")
                        #expect(result.standardError.contains(option.name) || result.standardError.contains("\(short) "),
                                "the message names the option: \(context)")
                    } else {
                        #expect(option.accepts.contains(text), "an invalid value was accepted: \(context)")
                    }
                }
            }
        }
    }
}
