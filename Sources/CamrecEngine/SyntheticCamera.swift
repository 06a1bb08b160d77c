import CamrecStore
import Foundation
import V4L2Vocabulary

/// The built-in camera: one simulated sensor giving a full-size NV12 "main" stream, a small
/// YUYV "preview" stream of the same moments and a small metadata stream, so `camrec record`
/// works anywhere. Pictures move and carry sensor-like noise (compression ratios are those of a
/// real camera, never of a flat colour); timestamps advance at the nominal rate on
/// CLOCK_MONOTONIC, in whole microseconds as a driver's (V4L2 hands timestamps over as a timeval),
/// so what an M2M device copies back is the recorded timestamp exactly. Like a driver it owns a few buffers per stream: when the recorder holds
/// them all, the frame is skipped and its sequence number is lost (a driver drop). Options inject
/// drops and error buffers on purpose so every metadata path can be exercised without hardware.
public final class SyntheticCamera: FrameSource, @unchecked Sendable {
    /// What the synthetic camera produces.
    public struct Options: Sendable {
        public var mainWidth: UInt32 = 1280
        public var mainHeight: UInt32 = 720
        public var previewWidth: UInt32 = 320
        public var previewHeight: UInt32 = 180
        /// The preview stream's pixel format: YUYV, or RGB3 (what RGB-only M2M devices such as
        /// vim2m take, so a synthetic recording can go through them).
        public var previewFormat: SyntheticPreviewFormat = .yuyv
        public var framesPerSecond: Double = 30
        /// Deliver frames as fast as they are taken instead of at the nominal rate
        /// (timestamps still advance at the nominal rate).
        public var unpaced = false
        /// Skip every Nth frame (its sequence number is never delivered): a driver drop.
        public var dropEvery: Int?
        /// Mark every Nth frame of the main stream with V4L2_BUF_FLAG_ERROR.
        public var errorEvery: Int?
        /// Buffers per stream, as a driver's REQBUFS count.
        public var buffersPerStream = 4
        /// Seed of the noise, for reproducible content.
        public var seed: UInt64 = 0x5EED
        /// Timestamps from a fixed origin (1 s, then the nominal period per frame) instead of
        /// CLOCK_MONOTONIC at the start, so that two recordings of one seed are identical bit for
        /// bit, metadata included (pacing still follows the real clock). For tests such as
        /// `tools/crash-trials`, which compare a recording with a reference of the same seed.
        public var reproducibleTimestamps = false

        public init() {}
    }

    public static let metadataSize = 64

    public let streams: [StreamDescription]
    public let sourceDescription = "synthetic camera"
    /// Unpaced, the camera has no deadlines, so the recorder waits for it rather than dropping.
    public var isLive: Bool { !options.unpaced }
    public private(set) var endReason: String?
    private let options: Options
    private let noise: [UInt8]
    private let pools: [BufferPool]
    private var frameNumber: UInt32 = 0
    private var startNanoseconds: Int64 = 0
    private var started = false

    public init(options: Options = Options()) {
        self.options = options
        let main = StreamDescription(
            id: 1, name: "main", kind: .video,
            format: VideoFormat(bufferType: .videoCapture, pixelFormat: .nv12, width: options.mainWidth,
                                 height: options.mainHeight, field: .none, colorspace: 8,
                                 planes: [PlaneLayout(bytesPerLine: options.mainWidth,
                                                      sizeImage: options.mainWidth * options.mainHeight * 3 / 2)]))
        let preview = StreamDescription(
            id: 2, name: "preview", kind: .video,
            format: VideoFormat(bufferType: .videoCapture, pixelFormat: options.previewFormat.fourcc, width: options.previewWidth,
                                 height: options.previewHeight, field: .none, colorspace: 8,
                                 planes: [PlaneLayout(bytesPerLine: options.previewWidth * options.previewFormat.bytesPerPixel,
                                                      sizeImage: options.previewWidth * options.previewHeight
                                                          * options.previewFormat.bytesPerPixel)]))
        let metadata = StreamDescription(
            id: 3, name: "meta", kind: .meta,
            format: VideoFormat(bufferType: .metaCapture, pixelFormat: PixelFormat(rawValue: 0x444D_5343), width: 0, height: 0, field: .any,
                                 colorspace: 0,
                                 planes: [PlaneLayout(bytesPerLine: 0, sizeImage: UInt32(Self.metadataSize))]))
        streams = [main, preview, metadata]
        pools = streams.map { BufferPool(count: options.buffersPerStream, size: Int($0.format.planes[0].sizeImage)) }
        // Sensor noise: a table longer than a frame, read from a different place each frame, so
        // no frame repeats another's noise and zstd cannot match it away.
        var generator = SplitMix64(seed: options.seed)
        let tableSize = Int(options.mainWidth * options.mainHeight) + 65_536
        noise = (0..<tableSize).map { _ in
            // Roughly Gaussian, sigma ~1.7 LSB, centred on 8.
            let bits: UInt64 = generator.next()
            let sum: UInt64 = (bits & 3) + ((bits >> 2) & 3) + ((bits >> 4) & 1)
            return UInt8(truncatingIfNeeded: 5 + sum)
        }
    }

    public func start() throws {
        startNanoseconds = MonotonicClock.nanoseconds()
        started = true
    }

    public func stop() {
        started = false
    }

    public func nextBuffers(timeoutMilliseconds: Int32) throws -> [CapturedBuffer]? {
        guard started else { return nil }
        // The CLI checks the rate (0.01 to 1000 fps); a library caller's NaN or 0 falls back to 30 fps.
        let period = Int64(exactly: (1e9 / options.framesPerSecond).rounded(.down)).flatMap { $0 > 0 ? $0 : nil } ?? 33_333_333
        let frame = frameNumber
        let deadline = startNanoseconds + Int64(frame) * period
        // Whole microseconds, as a driver's timestamps (a timeval) are.
        let timestamp = (options.reproducibleTimestamps ? 1_000_000_000 + Int64(frame) * period : deadline) / 1_000 * 1_000
        if !options.unpaced {
            let wait = deadline - MonotonicClock.nanoseconds()
            if wait > Int64(timeoutMilliseconds) * 1_000_000 {
                sleepNanoseconds(Int64(timeoutMilliseconds) * 1_000_000)
                return []
            }
            if wait > 0 { sleepNanoseconds(wait) }
        }
        if let every = options.dropEvery, every > 0, frame > 0, Int(frame) % every == 0 {
            frameNumber &+= 1
            return []
        }
        // A driver with no free buffer for this frame skips it, losing the sequence number. Unpaced,
        // there is no deadline to miss: the camera waits for a buffer instead.
        var slots: [Int] = []
        for pool in pools {
            guard let slot = pool.take() else {
                for (taken, owner) in zip(slots, pools) { owner.give(taken) }
                if options.unpaced {
                    sleepNanoseconds(200_000)
                } else {
                    frameNumber &+= 1
                }
                return []
            }
            slots.append(slot)
        }
        frameNumber &+= 1
        let isError = options.errorEvery.map { $0 > 0 && frame > 0 && Int(frame) % $0 == 0 } ?? false
        var result: [CapturedBuffer] = []
        for (index, stream) in streams.enumerated() {
            let pool = pools[index]
            let slot = slots[index]
            let bytes = pool.bytes(slot)
            switch index {
            case 0: renderMain(into: bytes, frame: frame)
            case 1: renderPreview(into: bytes, frame: frame)
            default: renderMetadata(into: bytes, frame: frame, timestamp: timestamp)
            }
            let error = isError && index == 0
            let size = UInt32(bytes.count)
            let metadata = FrameMetadata(
                status: error ? .error : .ok, sequence: frame,
                timestamp: BufferTimestamp(nanoseconds: timestamp, clock: .monotonic),
                flags: error ? [.timestampMonotonic, .error] : .timestampMonotonic, field: stream.kind == .meta ? .any : .none,
                planes: [PlaneMetadata(bytesUsed: size, dataOffset: 0, length: size)])
            result.append(CapturedBuffer(streamID: stream.id, metadata: metadata,
                                         planeBytes: [UnsafeRawBufferPointer(bytes)],
                                         release: { pool.give(slot) }))
        }
        return result
    }

    // MARK: Content

    /// NV12: a diagonal gradient that drifts, a bright square that moves across, and noise.
    private func renderMain(into bytes: UnsafeMutableRawBufferPointer, frame: UInt32) {
        let width = Int(options.mainWidth)
        let height = Int(options.mainHeight)
        let noiseOffset = Int((UInt64(frame) &* 0x9E37_79B9) % 65_536)
        let drift = Int(frame) * 3
        let boxSize = max(8, height / 6)
        let boxX = (Int(frame) * 7) % max(1, width - boxSize)
        let boxY = (height - boxSize) / 2 + Int(Double(height / 4) * sin(Double(frame) / 15))
        noise.withUnsafeBufferPointer { noise in
            guard let luma = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return }
            for y in 0..<height {
                let row = luma + y * width
                let noiseRow = noiseOffset + y * width
                let inBoxRows = y >= boxY && y < boxY + boxSize
                for x in 0..<width {
                    var value = ((x + y) >> 3) &+ drift &+ Int(noise[noiseRow + x]) - 8
                    if inBoxRows && x >= boxX && x < boxX + boxSize { value = 220 + Int(noise[noiseRow + x]) - 8 }
                    row[x] = UInt8(truncatingIfNeeded: 16 + (value & 0xFF) * 219 / 255)
                }
            }
            let chroma = luma + width * height
            for y in 0..<(height / 2) {
                let row = chroma + y * width
                for x in stride(from: 0, to: width, by: 2) {
                    let n = Int(noise[noiseOffset + y * width + x]) - 8
                    row[x] = UInt8(truncatingIfNeeded: 128 + ((x >> 4) + Int(frame)) % 32 - 16 + n / 2)
                    row[x + 1] = UInt8(truncatingIfNeeded: 128 + ((y >> 3) - Int(frame)) % 32 + n / 2)
                }
            }
        }
    }

    /// YUYV: the same scene, smaller, with its own noise.
    private func renderPreview(into bytes: UnsafeMutableRawBufferPointer, frame: UInt32) {
        if options.previewFormat == .rgb24 {
            renderPreviewRGB(into: bytes, frame: frame)
            return
        }
        let width = Int(options.previewWidth)
        let height = Int(options.previewHeight)
        let noiseOffset = Int((UInt64(frame) &* 0x85EB_CA6B) % 65_536)
        let drift = Int(frame) * 3
        noise.withUnsafeBufferPointer { noise in
            guard let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return }
            for y in 0..<height {
                let row = base + y * width * 2
                for x in stride(from: 0, to: width, by: 2) {
                    let n = noiseOffset + (y * width + x) % (noise.count - 65_536)
                    let luma0 = ((x + y) << 1) &+ drift &+ Int(noise[n]) - 8
                    let luma1 = ((x + 1 + y) << 1) &+ drift &+ Int(noise[n + 1]) - 8
                    row[x * 2] = UInt8(truncatingIfNeeded: 16 + (luma0 & 0xFF) * 219 / 255)
                    row[x * 2 + 1] = UInt8(truncatingIfNeeded: 128 + ((x >> 3) + Int(frame)) % 32 - 16)
                    row[x * 2 + 2] = UInt8(truncatingIfNeeded: 16 + (luma1 & 0xFF) * 219 / 255)
                    row[x * 2 + 3] = UInt8(truncatingIfNeeded: 128 + ((y >> 2) - Int(frame)) % 32)
                }
            }
        }
    }

    /// The preview as RGB3: the same moving ramps and noise as the YUYV preview, in R, G and B.
    private func renderPreviewRGB(into bytes: UnsafeMutableRawBufferPointer, frame: UInt32) {
        let width = Int(options.previewWidth)
        let height = Int(options.previewHeight)
        let noiseOffset = Int((UInt64(frame) &* 0x85EB_CA6B) % 65_536)
        let drift = Int(frame) * 3
        noise.withUnsafeBufferPointer { noise in
            guard let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return }
            for y in 0..<height {
                let row = base + y * width * 3
                for x in 0..<width {
                    let n = noiseOffset + (y * width + x) % (noise.count - 65_536)
                    let grain = Int(noise[n]) - 8
                    row[x * 3] = UInt8(truncatingIfNeeded: ((x + y) << 1) &+ drift &+ grain)
                    row[x * 3 + 1] = UInt8(truncatingIfNeeded: (x >> 1) &+ drift / 2 &+ grain)
                    row[x * 3 + 2] = UInt8(truncatingIfNeeded: (y << 1) &- drift &+ grain)
                }
            }
        }
    }

    /// Metadata: what a sensor reports per frame (little-endian): sequence u32, timestamp ns u64,
    /// exposure µs u32, analogue gain ×1000 u32, colour temperature K u32, sensor temperature
    /// m°C s32, then zero padding.
    private func renderMetadata(into bytes: UnsafeMutableRawBufferPointer, frame: UInt32, timestamp: Int64) {
        bytes.initializeMemory(as: UInt8.self, repeating: 0)
        let exposure = UInt32(10_000 + 2_000 * sin(Double(frame) / 30))
        let gain = UInt32(1_000 + (frame % 50) * 10)
        bytes.storeBytes(of: frame.littleEndian, toByteOffset: 0, as: UInt32.self)
        bytes.storeBytes(of: UInt64(bitPattern: timestamp).littleEndian, toByteOffset: 4, as: UInt64.self)
        bytes.storeBytes(of: exposure.littleEndian, toByteOffset: 12, as: UInt32.self)
        bytes.storeBytes(of: gain.littleEndian, toByteOffset: 16, as: UInt32.self)
        bytes.storeBytes(of: UInt32(5_600).littleEndian, toByteOffset: 20, as: UInt32.self)
        bytes.storeBytes(of: Int32(41_000 + Int32(frame % 100)).littleEndian, toByteOffset: 24, as: Int32.self)
    }
}

/// A stream's buffers: slots a frame is rendered into, taken by the camera and given back by
/// the recorder (the synthetic counterpart of DQBUF/QBUF).
private final class BufferPool: @unchecked Sendable {
    // `free` is guarded by `lock`; each slot's memory is touched only by whoever holds the slot.
    private let lock = NSLock()
    private var free: [Int]
    private let memory: [UnsafeMutableRawBufferPointer]

    init(count: Int, size: Int) {
        free = Array(0..<max(1, count))
        memory = (0..<max(1, count)).map { _ in
            UnsafeMutableRawBufferPointer.allocate(byteCount: max(1, size), alignment: 64)
        }
    }

    deinit {
        for slot in memory { slot.deallocate() }
    }

    func take() -> Int? {
        lock.lock()
        defer { lock.unlock() }
        return free.popLast()
    }

    func give(_ slot: Int) {
        lock.lock()
        free.append(slot)
        lock.unlock()
    }

    func bytes(_ slot: Int) -> UnsafeMutableRawBufferPointer { memory[slot] }
}

/// A small, fast, seedable generator (SplitMix64) for reproducible noise.
struct SplitMix64 {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

func sleepNanoseconds(_ nanoseconds: Int64) {
    guard nanoseconds > 0 else { return }
    var request = timespec(tv_sec: Int(nanoseconds / 1_000_000_000), tv_nsec: Int(nanoseconds % 1_000_000_000))
    var remaining = timespec()
    while nanosleep(&request, &remaining) != 0 && errno == EINTR { request = remaining }
}

/// The synthetic preview stream's pixel format.
public enum SyntheticPreviewFormat: String, Sendable, CaseIterable {
    case yuyv
    case rgb24 = "rgb3"

    var fourcc: PixelFormat { self == .yuyv ? .yuyv : .rgb24 }
    var bytesPerPixel: UInt32 { self == .yuyv ? 2 : 3 }
}
