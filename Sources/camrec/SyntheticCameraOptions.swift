import ArgumentParser
import CamrecEngine

/// Options of the built-in synthetic camera.
struct SyntheticCameraOptions: ParsableArguments {
    @Option(help: "Size of the synthetic main stream, WxH.")
    var syntheticSize: String = "1280x720"

    @Option(help: "Pixel format of the synthetic preview stream: yuyv, or rgb3 (for RGB-only M2M devices such as vim2m).")
    var syntheticPreviewFormat: SyntheticPreviewFormat = .yuyv

    @Option(help: "Frame rate of the synthetic camera, \(Self.fpsLimit.text).")
    var syntheticFps: Double = 30

    @Flag(help: "Deliver synthetic frames as fast as they are recorded (timestamps stay nominal).")
    var syntheticUnpaced = false

    @Option(help: "Inject a driver drop (a sequence gap) every N frames (\(Self.dropEveryLimit.text)).")
    var syntheticDropEvery: Int?

    @Option(help: "Mark every Nth main-stream buffer with V4L2_BUF_FLAG_ERROR (\(Self.errorEveryLimit.text)).")
    var syntheticErrorEvery: Int?

    @Option(help: ArgumentHelp("Seed of the synthetic camera's noise; with it, timestamps start at 1 s instead of the "
                               + "monotonic clock, so two recordings of one seed hold the same bytes (for crash trials and "
                               + "regression tests).", valueName: "N"))
    var syntheticSeed: UInt64?

    /// The camera's frame period is 1e9 / fps nanoseconds, an Int64.
    static let fpsLimit = NumberLimit(option: "--synthetic-fps", range: 0.01...1000, unit: "frames per second")
    static let dropEveryLimit = NumberLimit(option: "--synthetic-drop-every", atLeast: 2, unit: "frames")
    static let errorEveryLimit = NumberLimit(option: "--synthetic-error-every", atLeast: 1, unit: "frames")

    func validate() throws {
        guard parsedSize() != nil else {
            throw ValidationError("--synthetic-size must be WIDTHxHEIGHT with even numbers from 16 to 8192, e.g. 640x480; got '\(syntheticSize)'.")
        }
        try Self.fpsLimit.check(syntheticFps)
        try Self.dropEveryLimit.check(syntheticDropEvery)
        try Self.errorEveryLimit.check(syntheticErrorEvery)
    }

    func parsedSize() -> (width: UInt32, height: UInt32)? {
        let parts = syntheticSize.lowercased().split(separator: "x")
        guard parts.count == 2, let width = UInt32(parts[0]), let height = UInt32(parts[1]),
              (16...8192).contains(width), (16...8192).contains(height), width % 2 == 0, height % 2 == 0 else { return nil }
        return (width, height)
    }

    func cameraOptions() -> SyntheticCamera.Options {
        var options = SyntheticCamera.Options()
        if let size = parsedSize() {
            options.mainWidth = size.width
            options.mainHeight = size.height
            options.previewWidth = max(16, size.width / 4 & ~1)
            options.previewHeight = max(16, size.height / 4 & ~1)
        }
        options.framesPerSecond = syntheticFps
        options.previewFormat = syntheticPreviewFormat
        options.unpaced = syntheticUnpaced
        options.dropEvery = syntheticDropEvery
        options.errorEvery = syntheticErrorEvery
        if let syntheticSeed {
            options.seed = syntheticSeed
            options.reproducibleTimestamps = true
        }
        return options
    }
}

extension SyntheticPreviewFormat: ExpressibleByArgument {}
