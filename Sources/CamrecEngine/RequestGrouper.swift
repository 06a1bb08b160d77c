import CamrecStore
import V4L2Vocabulary

/// Groups buffers of several streams into requests by evidence, in capture order: a buffer
/// joins an open request that has no buffer of its stream yet and has the same sequence and
/// timestamp (drivers that share one frame counter across nodes, like vivid's video and
/// metadata nodes), else one whose timestamp is within the tolerance (nodes with their own
/// counters, like vimc's), else it opens a request of its own. How each buffer joined is kept.
struct RequestGrouper {
    /// A request that later buffers may still join.
    private struct OpenRequest {
        var id: Int64
        var sequence: UInt32
        var timestampNanoseconds: Int64
        var streams: Set<Int>
    }

    let toleranceNanoseconds: Int64
    private var open: [OpenRequest] = []
    private var nextID: Int64 = 1
    /// Requests kept open for joining; older ones are closed.
    private let window = 64

    init(toleranceNanoseconds: Int64) {
        self.toleranceNanoseconds = toleranceNanoseconds
    }

    /// The request `buffer` belongs to, and how it got there.
    mutating func assign(streamID: Int, metadata: FrameMetadata) -> RequestAssignment {
        let timestamp = metadata.timestamp.nanoseconds
        if let index = open.lastIndex(where: {
            !$0.streams.contains(streamID) && $0.sequence == metadata.sequence && $0.timestampNanoseconds == timestamp
        }) {
            open[index].streams.insert(streamID)
            return RequestAssignment(requestID: open[index].id, join: .sameSequenceAndTimestamp)
        }
        if toleranceNanoseconds > 0 {
            let candidates = open.indices.filter {
                !open[$0].streams.contains(streamID) && abs(open[$0].timestampNanoseconds - timestamp) <= toleranceNanoseconds
            }
            if let index = candidates.min(by: {
                abs(open[$0].timestampNanoseconds - timestamp) < abs(open[$1].timestampNanoseconds - timestamp)
            }) {
                open[index].streams.insert(streamID)
                return RequestAssignment(requestID: open[index].id, join: .timestampWithinTolerance)
            }
        }
        let id = nextID
        nextID += 1
        open.append(OpenRequest(id: id, sequence: metadata.sequence, timestampNanoseconds: timestamp, streams: [streamID]))
        if open.count > window { open.removeFirst(open.count - window) }
        return RequestAssignment(requestID: id, join: .opened)
    }
}

/// The request a buffer was put in, and the evidence for it.
struct RequestAssignment {
    var requestID: Int64
    var join: RequestJoin
}
