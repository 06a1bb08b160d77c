import Foundation

/// A FIFO of fixed capacity (in elements) between threads: producers either wait or learn at once that it is
/// full (the recorder then records a drop of its own instead of stalling the driver);
/// consumers wait until an element arrives or the queue is closed.
final class BoundedQueue<Element: Sendable>: @unchecked Sendable {
    // All state is guarded by `condition`. A taken element's slot is emptied at once: the queue
    // must not keep what its consumer is done with (a sealed chunk's index rows, a frame's bytes).
    private let condition = NSCondition()
    private var elements: [Element?] = []
    private var head = 0
    private var closed = false
    let capacity: Int

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    /// Adds `element` unless the queue is full or closed; returns whether it was added.
    func tryPush(_ element: Element) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard !closed, elements.count - head < capacity else { return false }
        elements.append(element)
        condition.signal()
        return true
    }

    /// Adds `element`, waiting while the queue is full; false if it was closed.
    func push(_ element: Element) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while !closed && elements.count - head >= capacity { condition.wait() }
        guard !closed else { return false }
        elements.append(element)
        condition.broadcast()
        return true
    }

    /// Takes the oldest element, waiting for one; nil once the queue is closed and empty.
    func pop() -> Element? {
        condition.lock()
        defer { condition.unlock() }
        while head == elements.count && !closed { condition.wait() }
        guard head < elements.count, let element = elements[head] else { return nil }
        elements[head] = nil
        head += 1
        condition.broadcast()  // Wakes a producer waiting in push.
        if head == elements.count {
            elements.removeAll(keepingCapacity: true)
            head = 0
        } else if head > 64 && head * 2 > elements.count {
            elements.removeFirst(head)
            head = 0
        }
        return element
    }

    /// No more elements will come; waiting consumers drain what is left, then get nil.
    func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }
}
