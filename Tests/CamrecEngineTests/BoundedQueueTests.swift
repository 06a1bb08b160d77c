import Foundation
import Testing

@testable import CamrecEngine

/// The hand-off queues between the recorder's stages hold what is in flight and nothing else:
/// an element the consumer took is not kept alive by the queue (a sealed chunk's index rows or a
/// frame's bytes would otherwise stay resident until 64 more had passed).
@Suite struct BoundedQueueTests {
    final class Payload: Sendable {
        let bytes: [UInt8]
        init(_ count: Int) { bytes = [UInt8](repeating: 1, count: count) }
    }

    @Test func aTakenElementIsReleased() throws {
        let queue = BoundedQueue<Payload>(capacity: 2)
        weak var taken: Payload?
        weak var waiting: Payload?
        do {
            let first = Payload(1 << 20)
            let second = Payload(1 << 20)
            taken = first
            waiting = second
            #expect(queue.push(first))
            #expect(queue.push(second))
        }
        do {
            let popped = try #require(queue.pop())
            #expect(popped.bytes.count == 1 << 20)
        }
        #expect(taken == nil, "the queue still holds an element its consumer took")
        #expect(waiting != nil, "the element not yet taken must still be queued")
        _ = queue.pop()
        #expect(waiting == nil)
    }

    @Test func orderAndCapacityHoldAcrossManyElements() {
        let queue = BoundedQueue<Int>(capacity: 3)
        var out: [Int] = []
        for value in 0..<200 {
            #expect(queue.tryPush(value))
            if value % 3 == 2 {
                #expect(!queue.tryPush(-1), "a full queue takes no more")
                while out.count <= value, let next = queue.pop() { out.append(next) }
            }
        }
        queue.close()
        while let next = queue.pop() { out.append(next) }
        #expect(out == Array(0..<200))
    }
}
