import ArgumentParser

@main
struct Camrec: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "camrec",
        abstract: "Record, inspect and replay multi-stream V4L2 camera captures, losslessly.",
        subcommands: [])
}
