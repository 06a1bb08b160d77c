import Foundation

/// The recorder's order stage: puts results that compression workers finish in any order back
/// into the order they were captured: `put(serial:)` from any thread, `next(timeout:)` from the
/// one writer thread. It holds no more than the memory budget lets in (the capture stage reserves
/// every buffer's bytes before it enters the pipeline).
final class Reorderer<Element: Sendable>: @unchecked Sendable {
    // All state is guarded by `condition`.
    private let condition = NSCondition()
    private var waiting: [Int64: Element] = [:]
    private var nextSerial: Int64 = 0
    private var finalCount: Int64?

    func put(serial: Int64, _ element: Element) {
        condition.lock()
        waiting[serial] = element
        condition.broadcast()
        condition.unlock()
    }

    /// Declares that serials 0..<count are all there will be.
    func finish(count: Int64) {
        condition.lock()
        finalCount = count
        condition.broadcast()
        condition.unlock()
    }

    enum Next {
        case element(Element)
        case timedOut
        case finished
    }

    /// The element with the next serial, waiting up to `timeout` seconds.
    func next(timeout: TimeInterval) -> Next {
        condition.lock()
        defer { condition.unlock() }
        let deadline = Date(timeIntervalSinceNow: timeout)
        while true {
            if let element = waiting.removeValue(forKey: nextSerial) {
                nextSerial += 1
                return .element(element)
            }
            if let finalCount, nextSerial >= finalCount { return .finished }
            if !condition.wait(until: deadline) { return .timedOut }
        }
    }
}
