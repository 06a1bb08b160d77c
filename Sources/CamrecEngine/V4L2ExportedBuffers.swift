import V4L2

/// DMABUFs for an importing queue, allocated as MMAP buffers by another node and exported with
/// VIDIOC_EXPBUF (these kernels have no DMA heaps), the way `v4l2-ctl --stream-dmabuf
/// --export-device` gets them. Buffer i of the importer gets exported buffers
/// i*planes ..< (i+1)*planes, one per memory plane. Holds the exporting device open, so its
/// memory lives as long as the importer's buffers do.
final class V4L2ExportedBuffers {
    /// The exporting node; closing it frees the memory once every DMABUF is closed too.
    let exporter: VideoDevice
    private let exportQueue: BufferQueue

    /// Opens `exporterPath` and picks its capture queue, or its output queue when it has none.
    init(exporterPath: String) throws(V4L2Error) {
        exporter = try VideoDevice(path: exporterPath)
        if let capture = exporter.captureQueue {
            exportQueue = capture
        } else {
            exportQueue = try exporter.requireOutputQueue(purpose: "export DMABUFs")
        }
    }

    /// Makes `count` importer buffers of `planeSizes.count` planes: with `.bufferPerPlane` one
    /// DMABUF per plane, each at least as large as its plane; with `.sharedBuffer` one DMABUF per
    /// buffer holding every plane at page-aligned offsets. Grows the exporter's format by adding
    /// lines when its buffers are too small. The exported buffers are never mapped here: the
    /// exporter only passes them on.
    func makeBuffers(count: Int, planeSizes: [UInt32], layout: DMABufferLayout = .bufferPerPlane,
                     importerPath: String) throws(V4L2Error) -> [FrameBuffer] {
        let sizes = planeSizes.isEmpty ? [UInt32(0)] : planeSizes
        var offsets: [UInt32] = []
        var end: UInt32 = 0
        for size in sizes {
            offsets.append(end)
            end = (end + size + 4095) / 4096 * 4096
        }
        let exportsPerBuffer = layout == .sharedBuffer ? 1 : sizes.count
        let needed = layout == .sharedBuffer ? end : sizes.max() ?? 0
        var exportFormat = try exportQueue.currentFormat()
        if (exportFormat.planes.first?.sizeImage ?? 0) < needed, let stride = exportFormat.planes.first?.bytesPerLine, stride > 0 {
            var taller = exportFormat
            taller.height = max(exportFormat.height, (needed + stride - 1) / stride)
            taller.planes = []
            exportFormat = try exportQueue.setFormat(taller)
        }
        guard let exportedSize = exportFormat.planes.first?.sizeImage, exportedSize >= needed else {
            throw V4L2Error(kind: .system, operation: "VIDIOC_S_FMT", devicePath: exporter.path,
                            reason: "its buffers hold \(exportFormat.planes.first?.sizeImage ?? 0) bytes, but \(importerPath) needs \(needed)"
                                + (layout == .sharedBuffer ? " per buffer (all planes in one)" : " per plane"),
                            remedy: "Choose an exporting node that can allocate larger buffers (a capture node at a larger size).")
        }
        let exported = try exportQueue.allocateBuffers(count: count * exportsPerBuffer)
        guard exported.count >= count * exportsPerBuffer else {
            throw V4L2Error(kind: .system, operation: "VIDIOC_REQBUFS", devicePath: exporter.path,
                            reason: "asked for \(count * exportsPerBuffer) buffers to export, it granted \(exported.count)",
                            remedy: "Ask for fewer buffers.")
        }
        var buffers: [FrameBuffer] = []
        for index in 0..<count {
            var regions: [PlaneDescriptor] = []
            switch layout {
            case .bufferPerPlane:
                for plane in sizes.indices {
                    let dmaBuffer = try exportQueue.exportDMABuffer(index: index * exportsPerBuffer + plane, plane: 0)
                    regions.append(PlaneDescriptor(buffer: dmaBuffer, offset: 0, length: dmaBuffer.length))
                }
            case .sharedBuffer:
                let dmaBuffer = try exportQueue.exportDMABuffer(index: index, plane: 0)
                for (plane, size) in sizes.enumerated() {
                    regions.append(PlaneDescriptor(buffer: dmaBuffer, offset: offsets[plane], length: size))
                }
            }
            buffers.append(try FrameBuffer(index: index, importing: regions))
        }
        return buffers
    }

    /// Hands the exporter's MMAP memory back (VIDIOC_REQBUFS 0) once the importer's DMABUFs are closed.
    func release() {
        // A failure here only delays freeing the memory until the exporter closes.
        try? exportQueue.releaseBuffers()
    }
}
