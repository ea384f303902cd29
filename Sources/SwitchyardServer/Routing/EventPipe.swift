import Synchronization

/// A bounded single-producer single-consumer hand-off between the task reading an upstream
/// stream and the task writing to the client.
///
/// The producer waits when `capacity` events are buffered (a slow client slows the upstream
/// read instead of growing memory); the consumer waits when it is empty. Its continuations
/// are unsafe ones, which allocate nothing (a checked one allocates a box each wait, so an
/// allocation per streamed chunk): each is stored under the lock and taken out under it
/// before it is resumed, so it is resumed once.
final class EventPipe<Element: Sendable>: Sendable {
    private struct State {
        var buffer: [Element] = []
        var head = 0
        var end: (any Error)?? = nil
        var consumer: UnsafeContinuation<Element?, any Error>?
        var producer: UnsafeContinuation<Void, Never>?

        var count: Int { buffer.count - head }

        mutating func pop() -> Element? {
            guard head < buffer.count else { return nil }
            let element = buffer[head]
            head += 1
            if head == buffer.count {
                buffer.removeAll(keepingCapacity: true)
                head = 0
            }
            return element
        }

        /// The oldest buffered event, and the producer to wake if taking it made room
        /// below `capacity` (resumed by the caller, outside the lock).
        mutating func take(capacity: Int) -> (Element, UnsafeContinuation<Void, Never>?)? {
            guard let element = pop() else { return nil }
            guard count < capacity, let waiting = producer else { return (element, nil) }
            producer = nil
            return (element, waiting)
        }
    }

    private let state: Mutex<State>
    private let capacity: Int

    private enum SendStep { case done, closed, wait }
    private enum NextStep { case value(Element), end((any Error)?), wait }

    init(capacity: Int = 16) {
        self.capacity = capacity
        var initial = State()
        initial.buffer.reserveCapacity(capacity)
        self.state = Mutex(initial)
    }

    /// Hands `element` to the consumer; waits while the buffer is full. Returns false once
    /// the pipe was finished (the consumer is gone): stop producing.
    @discardableResult
    func send(_ element: Element) async -> Bool {
        let step: SendStep = state.withLock { state in
            if state.end != nil { return .closed }
            if let consumer = state.consumer {
                state.consumer = nil
                consumer.resume(returning: element)
                return .done
            }
            state.buffer.append(element)
            return state.count >= capacity ? .wait : .done
        }
        switch step {
        case .closed: return false
        case .done: return true
        case .wait:
            await withTaskCancellationHandler {
                await withUnsafeContinuation { (continuation: UnsafeContinuation<Void, Never>) in
                    let resumeNow = state.withLock { state -> Bool in
                        if state.end != nil || state.count < capacity || Task.isCancelled { return true }
                        state.producer = continuation
                        return false
                    }
                    if resumeNow { continuation.resume() }
                }
            } onCancel: {
                let waiter = state.withLock { state -> UnsafeContinuation<Void, Never>? in
                    defer { state.producer = nil }
                    return state.producer
                }
                waiter?.resume()
            }
            return state.withLock { $0.end == nil }
        }
    }

    /// Ends the pipe: the consumer gets the buffered events, then nil (or `error`).
    func finish(throwing error: (any Error)? = nil) {
        let (consumer, producer) = state.withLock { state -> (UnsafeContinuation<Element?, any Error>?, UnsafeContinuation<Void, Never>?) in
            guard state.end == nil else { return (nil, nil) }
            state.end = .some(error)
            defer {
                state.consumer = nil
                state.producer = nil
            }
            return (state.count == 0 ? state.consumer : nil, state.producer)
        }
        producer?.resume()
        if let consumer {
            if let error { consumer.resume(throwing: error) } else { consumer.resume(returning: nil) }
        }
    }

    /// An event already buffered, without waiting; nil when none is (the end, if the pipe
    /// was finished, is left for `next()`). Lets the consumer write what arrived together
    /// in one go.
    func poll() -> Element? {
        guard let (element, producer) = state.withLock({ $0.take(capacity: capacity) }) else { return nil }
        producer?.resume()
        return element
    }

    /// The next event; nil after a clean finish; throws the finishing error.
    func next() async throws -> Element? {
        try await withUnsafeThrowingContinuation { (continuation: UnsafeContinuation<Element?, any Error>) in
            let (step, producer) = state.withLock { state -> (NextStep, UnsafeContinuation<Void, Never>?) in
                if let (element, producer) = state.take(capacity: capacity) { return (.value(element), producer) }
                if let end = state.end { return (.end(end), nil) }
                state.consumer = continuation
                return (.wait, nil)
            }
            producer?.resume()
            switch step {
            case .value(let element): continuation.resume(returning: element)
            case .end(let error):
                if let error { continuation.resume(throwing: error) } else { continuation.resume(returning: nil) }
            case .wait: break
            }
        }
    }
}
