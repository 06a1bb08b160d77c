import ArgumentParser
import CamrecInspect
import CamrecStore
import Foundation

struct Info: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Summarise a recording: streams, formats, buffers, drops, errors, sizes.",
        discussion: """
            --controls lists instead each device's driver and kernel, its controls as `v4l2-ctl --list-ctrls` \
            prints them with their values when recording started, and the controls anyone changed while it ran, \
            with their times. --topology prints instead the graph of each recorded device's media controller \
            as `media-ctl -p` shows it (entities, pads with their active formats, links with their flags), read \
            when recording started. --json prints everything as one JSON object (the controls under "devices" and \
            "controls"), a stable contract for scripts.
            """)

    @Argument(help: "The recording folder (NAME.camrec).")
    var recording: String

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    @Flag(help: "List the recorded devices' controls and their changes instead of the summary.")
    var controls = false

    @Flag(help: "Print the recorded devices' media graphs (as `media-ctl -p`) instead of the summary.")
    var topology = false

    func run() throws {
        let reader = try RecordingReader(path: recording)
        noteIfStillRecording(reader)
        let overview = try RecordingOverview(reader: reader)
        let recorded = try RecordedControls.load(from: reader.index)
        let events = try RecordedEvents.load(from: reader.index)
        let deleted = try DeletedChunk.load(from: reader.index)
        if json {
            print(try OverviewFormatting.json(overview, controls: recorded, events: events, deletedChunks: deleted,
                                              activeRecorder: reader.activeRecorder))
        } else if topology {
            print(TopologyFormatting.text(try RecordedTopology.load(from: reader.index), streams: reader.streams),
                  terminator: "")
        } else if controls {
            print(ControlsFormatting.text(recorded, streams: reader.streams, info: reader.info), terminator: "")
        } else {
            if let pid = reader.activeRecorder {
                print("Still recording (recorder process \(pid)): the figures below are what was committed so far.")
            }
            print(OverviewFormatting.text(overview), terminator: "")
            print(EventsFormatting.text(events, streams: reader.streams, zero: try FrameQuery.firstTimestamp(of: reader)),
                  terminator: "")
            print(EventsFormatting.retentionText(deleted), terminator: "")
        }
    }
}
