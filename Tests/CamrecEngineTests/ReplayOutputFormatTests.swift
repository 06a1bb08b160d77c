import CamrecEngine
import CamrecStore
import Testing
import V4L2
import V4L2Vocabulary

/// The format check of `V4L2OutputSink`, without a device: what a replay asks of an output queue
/// and when it refuses what the driver set.
@Suite("Replay output format")
struct ReplayOutputFormatTests {
    private func rgbStream() -> StreamDescription {
        StreamDescription(id: 1, name: "rgb", kind: .video,
                          format: VideoFormat(bufferType: .videoCapture, pixelFormat: PixelFormat("RGB3") ?? PixelFormat(rawValue: 0), width: 320, height: 240,
                                               field: .none, colorspace: 8, planes: [PlaneLayout(bytesPerLine: 960, sizeImage: 230_400)]))
    }

    @Test func requestCarriesTheRecordedFormatOnTheQueuesOwnType() throws {
        let wanted = try V4L2OutputFormat(stream: rgbStream(), queueType: .videoOutputMultiplanar, devicePath: "/dev/video9")
        #expect(wanted.request.bufferType == .videoOutputMultiplanar)
        #expect(wanted.request.pixelFormat == .rgb24)
        #expect(wanted.request.width == 320 && wanted.request.height == 240)
        #expect(wanted.request.field == .none)
        #expect(wanted.request.colorspace == 8)
        #expect(wanted.request.planes == [PlaneLayout(bytesPerLine: 960, sizeImage: 230_400)])
        #expect(wanted.mismatch(offered: wanted.request) == nil)
    }

    @Test func everyDifferenceThatChangesTheBytesIsAMismatch() throws {
        let wanted = try V4L2OutputFormat(stream: rgbStream(), queueType: .videoOutput, devicePath: "/dev/video9")
        var offered = wanted.request
        offered.pixelFormat = .yuyv
        offered.width = 640
        offered.field = .interlaced
        offered.planes = [PlaneLayout(bytesPerLine: 1024, sizeImage: 100)]
        let mismatch = try #require(wanted.mismatch(offered: offered))
        #expect(mismatch.contains("format YUYV instead of RGB3"))
        #expect(mismatch.contains("size 640x240 instead of 320x240"))
        #expect(mismatch.contains("field interlaced instead of none"))
        #expect(mismatch.contains("plane 0 bytesperline 1024 instead of 960"))
        #expect(mismatch.contains("plane 0 sizeimage 100 instead of at least 230400"))

        var larger = wanted.request
        larger.planes = [PlaneLayout(bytesPerLine: 960, sizeImage: 300_000)]
        larger.colorspace = 1
        #expect(wanted.mismatch(offered: larger) == nil, "a larger buffer and another colorspace still carry the bytes")
    }

    @Test func refusalSaysWhatWasRecordedWhatTheDeviceOffersAndWhatToDo() throws {
        let wanted = try V4L2OutputFormat(stream: rgbStream(), queueType: .videoOutput, devicePath: "/dev/video9")
        var offered = wanted.request
        offered.pixelFormat = .yuyv
        offered.planes = [PlaneLayout(bytesPerLine: 640, sizeImage: 153_600)]
        let error = wanted.refusal(offered: offered, listed: [.yuyv, .nv12], device: "/dev/video9",
                                   mismatch: wanted.mismatch(offered: offered) ?? "")
        #expect(error.kind == .formatAdjusted)
        #expect(error.devicePath == "/dev/video9")
        let text = error.description
        #expect(text.contains("cannot replay stream 'rgb': it was recorded as 320x240 RGB3 field none colorspace srgb (bytesperline/sizeimage 960/230400)"))
        #expect(text.contains("the device adjusted that to 320x240 YUYV"))
        #expect(text.contains("lists YUYV, NV12"))
        #expect(text.contains("Nothing was queued. Replay to a node that takes RGB3 at 320x240"))

        let rejected = wanted.refusal(offered: nil, listed: [], device: "/dev/video9", mismatch: "it does not take RGB3", errno: 22)
        #expect(rejected.description.contains("the device rejected that (it does not take RGB3)"))
        #expect(rejected.errno == 22)
    }

    @Test func metadataAndVideoDoNotMix() throws {
        let params = StreamDescription(id: 2, name: "params", kind: .meta,
                                       format: VideoFormat(bufferType: .metaOutput, pixelFormat: PixelFormat("VIVD") ?? PixelFormat(rawValue: 0),
                                                            width: 0, height: 0, planes: [PlaneLayout(bytesPerLine: 0, sizeImage: 8)]))
        let toVideo = #expect(throws: V4L2Error.self) {
            try V4L2OutputFormat(stream: params, queueType: .videoOutput, devicePath: "/dev/video1")
        }
        #expect(toVideo?.description.contains("it is a metadata stream (VIVD buffer 8 bytes)") == true)
        #expect(toVideo?.description.contains("--to params=/dev/videoN") == true)
        let toVideoStream = #expect(throws: V4L2Error.self) {
            try V4L2OutputFormat(stream: rgbStream(), queueType: .metaOutput, devicePath: "/dev/video3")
        }
        #expect(toVideoStream?.description.contains("video stream") == true)

        let wanted = try V4L2OutputFormat(stream: params, queueType: .metaOutput, devicePath: "/dev/video3")
        #expect(wanted.request.pixelFormat == .vividMetadata)
        #expect(wanted.request.planes == [PlaneLayout(bytesPerLine: 0, sizeImage: 8)])
        #expect(wanted.mismatch(offered: wanted.request) == nil)
    }

    @Test func twoMemoryPlanesNeedAMultiplanarQueue() throws {
        let nm12 = StreamDescription(id: 1, name: "nm12", kind: .video,
                                     format: VideoFormat(bufferType: .videoCaptureMultiplanar, pixelFormat: PixelFormat("NM12") ?? PixelFormat(rawValue: 0), width: 64, height: 48,
                                                          planes: [PlaneLayout(bytesPerLine: 64, sizeImage: 3072),
                                                                   PlaneLayout(bytesPerLine: 64, sizeImage: 1536)]))
        let error = #expect(throws: V4L2Error.self) {
            try V4L2OutputFormat(stream: nm12, queueType: .videoOutput, devicePath: "/dev/video1")
        }
        #expect(error?.description.contains("recorded with 2 memory planes") == true)
        #expect(error?.description.contains("single-planar") == true)
        let wanted = try V4L2OutputFormat(stream: nm12, queueType: .videoOutputMultiplanar, devicePath: "/dev/video5")
        var onePlane = wanted.request
        onePlane.planes.removeLast()
        #expect(wanted.mismatch(offered: onePlane)?.contains("1 memory planes instead of 2") == true)
    }
}

/// Replay restores the recorded colorimetry and says which fields a device changed.
@Suite("Replay colorimetry")
struct ReplayColorimetryTests {
    private func stream(fourcc: String = "YUYV", colorspace: UInt32 = 3, ycbcr: UInt32 = 2, quantization: UInt32 = 1,
                        transfer: UInt32 = 1) throws -> StreamDescription {
        StreamDescription(id: 1, name: "video0", kind: .video,
                          format: VideoFormat(bufferType: .videoCapture, pixelFormat: try #require(PixelFormat(fourcc)), width: 320, height: 180,
                                               field: .none, colorspace: colorspace, ycbcrEncoding: ycbcr,
                                               quantization: quantization, transferFunction: transfer, flags: 2,
                                               planes: [PlaneLayout(bytesPerLine: 640, sizeImage: 115_200)]))
    }

    @Test("the request carries the recorded colorimetry, without the capture-only SET_CSC flag")
    func requestCarriesColorimetry() throws {
        let wanted = try V4L2OutputFormat(stream: try stream(), queueType: .videoOutput, devicePath: "/dev/video1")
        #expect(wanted.request.colorspace == 3 && wanted.request.ycbcrEncoding == 2)
        #expect(wanted.request.quantization == 1 && wanted.request.transferFunction == 1)
        #expect(wanted.request.flags == 0)
    }

    @Test("changed colorimetry is named field by field as v4l2-ctl names it; DEFAULT asks for nothing")
    func changedColorimetryIsNamed() throws {
        let wanted = try V4L2OutputFormat(stream: try stream(), queueType: .videoOutput, devicePath: "/dev/video1")
        var offered = wanted.request
        #expect(wanted.colorimetryChanges(offered: offered).isEmpty)
        offered.ycbcrEncoding = 0
        offered.quantization = 0
        #expect(wanted.colorimetryChanges(offered: offered)
            == ["ycbcr-enc default instead of 709", "quantization default instead of full-range"])
        let v1 = try V4L2OutputFormat(stream: try stream(ycbcr: 0, quantization: 0, transfer: 0),
                                      queueType: .videoOutput, devicePath: "/dev/video1")
        offered.ycbcrEncoding = 1
        offered.transferFunction = 2
        #expect(v1.colorimetryChanges(offered: offered).isEmpty)
    }

    @Test("a compressed stream's colorimetry is the bitstream's: a decoder reporting another is not refused")
    func compressedStreamsAreNotCompared() throws {
        let wanted = try V4L2OutputFormat(stream: try stream(fourcc: "FWHT"), queueType: .videoOutputMultiplanar,
                                          devicePath: "/dev/video5")
        var offered = wanted.request
        offered.colorspace = 8
        offered.quantization = 2
        #expect(wanted.colorimetryChanges(offered: offered).isEmpty)
    }
}
