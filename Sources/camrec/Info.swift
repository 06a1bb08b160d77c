import ArgumentParser
import CamrecInspect
import CamrecStore
import Foundation

struct Info: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Summarise a recording: streams, formats, buffers, drops, errors, sizes.",
        discussion: "--json prints the same as one JSON object, a stable contract for scripts.")

    @Argument(help: "The recording folder (NAME.camrec).")
    var recording: String

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    func run() throws {
        let reader = try RecordingReader(path: recording)
        let overview = try RecordingOverview(reader: reader)
        if json {
            print(try OverviewFormatting.json(overview))
        } else {
            print(OverviewFormatting.text(overview), terminator: "")
        }
    }
}
