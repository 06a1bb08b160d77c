import ArgumentParser

@main
struct Camrec: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "camrec",
        abstract: "Record, inspect and replay multi-stream V4L2 camera captures, losslessly.",
        discussion: """
            A recording is a folder NAME.camrec with index.sqlite (where every plane of every buffer \
            lives) and chunks/*.zst (the frames, standard zstd).
            """,
        version: "0.1.0",
        subcommands: [Record.self, Replay.self, Devices.self, Diff.self, Info.self, Frames.self, Export.self, Sql.self, Verify.self, Recover.self, Trigger.self])
}
