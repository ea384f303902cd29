import Hummingbird
import Synchronization

/// Hands a connection's requests from its event loop (`HTTP1RequestHandler`) to the one
/// task that answers them (`GatewayHTTP1Channel.handle`), one at a time. A long-lived task
/// keeps its stack allocation from request to request; a task a request would allocate it
/// each time. One short, uncontended lock per hand-off.
final class RequestMailbox: Sendable {
    /// A request and where its answer goes.
    struct Delivery: Sendable {
        let request: Request
        let target: ResponseTarget
    }

    private enum State {
        case empty
        case waiting(UnsafeContinuation<Delivery?, Never>)
        case holding(Delivery)
        case finished
    }

    private let state = Mutex<State>(.empty)

    init() {}

    /// From the event loop: the next request. The handler delivers one only after the
    /// answer to the one before has been written, so at most one waits here.
    func deliver(_ delivery: Delivery) {
        let waiter: UnsafeContinuation<Delivery?, Never>? = state.withLock { state in
            switch state {
            case .waiting(let continuation):
                state = .empty
                return continuation
            case .empty, .holding:
                state = .holding(delivery)
                return nil
            case .finished:
                return nil
            }
        }
        waiter?.resume(returning: delivery)
    }

    /// The next request, or nil once the connection has closed.
    func next() async -> Delivery? {
        await withUnsafeContinuation { continuation in
            let ready: Delivery?? = state.withLock { state in
                switch state {
                case .holding(let delivery):
                    state = .empty
                    return .some(delivery)
                case .finished:
                    return .some(nil)
                case .empty, .waiting:
                    state = .waiting(continuation)
                    return nil
                }
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }

    /// No more requests: the connection closed, or its task is cancelled.
    func finish() {
        let waiter: UnsafeContinuation<Delivery?, Never>? = state.withLock { state in
            defer { state = .finished }
            if case .waiting(let continuation) = state { return continuation }
            return nil
        }
        waiter?.resume(returning: nil)
    }
}
