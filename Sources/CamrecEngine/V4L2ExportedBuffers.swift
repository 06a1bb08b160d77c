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

    /// Makes `count` importer buffers of `planeSizes.count` planes, each DMABUF at least as large
    /// as its plane. Grows the exporter's format by adding lines when its buffers are too small.
    func makeBuffers(count: Int, planeSizes: [UInt32], importerPath: String) throws(V4L2Error) -> [FrameBuffer] {
        let planesPerBuffer = max(planeSizes.count, 1)
        let needed = planeSizes.max() ?? 0
        var exportFormat = try exportQueue.currentFormat()
        if (exportFormat.planes.first?.sizeImage ?? 0) < needed, let stride = exportFormat.planes.first?.bytesPerLine, stride > 0 {
            var taller = exportFormat
            taller.height = max(exportFormat.height, (needed + stride - 1) / stride)
            taller.planes = []
            exportFormat = try exportQueue.setFormat(taller)
        }
        guard let exportedSize = exportFormat.planes.first?.sizeImage, exportedSize >= needed else {
            throw V4L2Error(kind: .system, operation: "VIDIOC_S_FMT", devicePath: exporter.path,
                            reason: "its buffers hold \(exportFormat.planes.first?.sizeImage ?? 0) bytes, but \(importerPath) needs \(needed) per plane",
                            remedy: "Choose an exporting node that can allocate larger buffers (a capture node at a larger size).")
        }
        let exported = try exportQueue.allocateBuffers(count: count * planesPerBuffer)
        guard exported.count >= count * planesPerBuffer else {
            throw V4L2Error(kind: .system, operation: "VIDIOC_REQBUFS", devicePath: exporter.path,
                            reason: "asked for \(count * planesPerBuffer) buffers to export, it granted \(exported.count)",
                            remedy: "Ask for fewer buffers.")
        }
        var buffers: [FrameBuffer] = []
        for index in 0..<count {
            var planes: [DMABuffer] = []
            for plane in 0..<planesPerBuffer {
                planes.append(try exportQueue.exportDMABuffer(index: index * planesPerBuffer + plane, plane: 0))
            }
            buffers.append(try FrameBuffer(index: index, importing: planes))
        }
        return buffers
    }

    /// Hands the exporter's MMAP memory back (VIDIOC_REQBUFS 0) once the importer's DMABUFs are closed.
    func release() {
        // A failure here only delays freeing the memory until the exporter closes.
        try? exportQueue.releaseBuffers()
    }
}
