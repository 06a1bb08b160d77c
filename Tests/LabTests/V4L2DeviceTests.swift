import Foundation
import Testing
import V4L2
import V4L2Vocabulary

/// The lab suites share the lab's devices, so they run one test at a time.
@Suite("Lab", .serialized, .enabled(if: LabEnvironment.isAvailable, "needs the V4L2 lab (tools/v4l2-lab)"))
struct Lab {}

extension Lab {
    @Suite("V4L2 devices")
    struct V4L2DeviceTests {
        @Test func queryCapabilitiesDecidesQueuesOnceAtOpen() throws {
            let single = try VideoDevice(path: try LabNodes.vividCapture())
            #expect(single.info.driver == "vivid")
            #expect(single.role == .capture)
            #expect(single.captureQueue?.type == .videoCapture)
            #expect(single.outputQueue == nil)

            let multi = try VideoDevice(path: try LabNodes.vividMultiplanarCapture())
            #expect(multi.captureQueue?.type == .videoCaptureMultiplanar)

            let output = try VideoDevice(path: try LabNodes.vividOutput())
            #expect(output.role == .output)
            #expect(output.outputQueue?.type == .videoOutput)
            #expect(output.captureQueue == nil)

            let meta = try VideoDevice(path: try LabNodes.vividMetadataCapture())
            #expect(meta.captureQueue?.type == .metaCapture)

            let m2m = try VideoDevice(path: try LabNodes.vim2m())
            #expect(m2m.info.driver == "vim2m")
            #expect(m2m.role == .memoryToMemory)
            #expect(m2m.captureQueue?.type == .videoCapture)
            #expect(m2m.outputQueue?.type == .videoOutput)
            #expect(m2m.info.nodeCapabilities.names.contains("video-m2m"))

            let vimc = try VideoDevice(path: try LabNodes.vimc("RGB/YUV Capture"))
            #expect(vimc.info.driver == "vimc")
            #expect(vimc.role == .capture)
        }

        @Test func findNodeNamesWhatItSawWhenNothingMatches() throws {
            let error = #expect(throws: V4L2Error.self) {
                try DeviceDiscovery.findNode(driver: "no-such-driver")
            }
            #expect(error?.kind == .notFound)
            #expect(error?.description.contains("vivid") == true)
        }

        @Test func mediaControllerKnowsEachNodesEntity() throws {
            let path = try LabNodes.vimc("Raw Capture 1")
            let location = try #require(try MediaDevice.locate(videoNode: path))
            #expect(location.mediaDevice.driver == "vimc")
            #expect(location.entity?.name == "Raw Capture 1")

            let vivid = try #require(try MediaDevice.locate(videoNode: try LabNodes.vividCapture()))
            #expect(vivid.mediaDevice.driver == "vivid")
            #expect(vivid.entity?.name == DeviceDiscovery.sysfsName(of: try LabNodes.vividCapture()))

            let topology = try MediaDevice(path: location.mediaDevicePath).topology()
            #expect(topology.entity(named: "Sensor B") != nil)
            #expect(topology.links.contains { !$0.isInterfaceLink })
        }

        @Test func enumeratesFormatsAndFrameSizes() throws {
            let queue = try #require(try VideoDevice(path: try LabNodes.vividCapture()).captureQueue)
            let formats = try queue.formats().map(\.pixelFormat)
            #expect(formats.contains(.yuyv))
            #expect(formats.contains(.nv12))
            let sizes = try #require(try queue.frameSizes(for: .yuyv))
            guard case .discrete(let list) = sizes else {
                Issue.record("vivid's webcam input lists discrete sizes, got \(sizes)")
                return
            }
            #expect(list.contains(FrameSize(width: 320, height: 180)))
            #expect(!(try queue.frameIntervals(for: .yuyv, size: FrameSize(width: 320, height: 180))).isEmpty)

            let multi = try #require(try VideoDevice(path: try LabNodes.vividMultiplanarCapture()).captureQueue)
            #expect(try multi.formats().map(\.pixelFormat).contains(.nv12Multiplanar))

            let meta = try #require(try VideoDevice(path: try LabNodes.vividMetadataCapture()).captureQueue)
            // vivid's metadata capture node produces UVC metadata; VIVD is its metadata output format.
            #expect(try meta.formats().map(\.pixelFormat).contains(PixelFormat("UVCH")))
        }

        @Test(arguments: CaptureCase.all)
        func setFormatReadsBack(_ capture: CaptureCase) throws {
            let queue = try #require(try VideoDevice(path: try capture.nodePath()).captureQueue)
            let pixelFormat = try #require(PixelFormat(capture.fourcc))
            let set = try queue.setExactFormat(VideoFormat(bufferType: queue.type, pixelFormat: pixelFormat,
                                                           width: capture.width, height: capture.height))
            let current = try queue.currentFormat()
            #expect(current == set)
            #expect(current.pixelFormat == pixelFormat)
            #expect(current.width == capture.width && current.height == capture.height)
            #expect(current.planes.count == capture.expectedPlanes)
            if capture.multiplanar {
                #expect(current.planes == [PlaneLayout(bytesPerLine: 320, sizeImage: 320 * 180),
                                           PlaneLayout(bytesPerLine: 320, sizeImage: 320 * 90)])
            } else {
                #expect(current.planes == [PlaneLayout(bytesPerLine: 640, sizeImage: 640 * 180)])
            }
        }

        @Test func adjustedFormatIsRefusedWithWhatWasAskedAndOffered() throws {
            let queue = try #require(try VideoDevice(path: try LabNodes.vividCapture()).captureQueue)
            let error = #expect(throws: V4L2Error.self) {
                try queue.setExactFormat(VideoFormat(bufferType: queue.type, pixelFormat: .yuyv, width: 333, height: 241))
            }
            #expect(error?.kind == .formatAdjusted)
            let text = error?.description ?? ""
            #expect(text.contains("asked for 333x241 YUYV"), "\(text)")
            #expect(text.contains("offered"), "\(text)")
            #expect(text.contains("VIDIOC_S_FMT"), "\(text)")
        }

        @Test func controlSetAndReadByName() throws {
            let device = try VideoDevice(path: try LabNodes.vividCapture())
            try device.setControl("osd_text_mode", to: 2)
            #expect(try device.value(ofControl: "osd_text_mode") == 2)
            #expect(try device.value(ofControl: "OSD Text Mode") == 2)
            let info = try device.control(named: "osd_text_mode")
            #expect(info.type == .menu)
            #expect(info.menu.count == 3)
            for name in ["percentage_of_dropped_buffers", "disconnect", "inject_v4l2_buf_flag_error", "loop_video"] {
                #expect(throws: Never.self) { try device.control(named: name) }
            }
            let missing = #expect(throws: V4L2Error.self) { try device.value(ofControl: "no_such_control") }
            #expect(missing?.kind == .notFound)
        }
    }
}
