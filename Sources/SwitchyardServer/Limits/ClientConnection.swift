import Synchronization

/// One client connection's liveness, so a request can stop its upstream work when the
/// client that asked for it has gone (closed or reset the connection) instead of running
/// on, and billing tokens, until the upstream answers or the SLA runs out.
///
/// `ClientCloseWatch` (a channel handler) marks it closed; request code waits on it.
final class ClientConnection: Sendable {
    private struct State {
        var closed = false
        var nextWaiter: UInt64 = 0
        var waiters: [UInt64: CheckedContinuation<Void, Never>] = [:]
    }

    private let state = Mutex(State())

    init() {}

    /// True once the client has gone.
    var isClosed: Bool { state.withLock { $0.closed } }

    /// Marks the connection closed and wakes every waiter.
    func markClosed() {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            guard !state.closed else { return [] }
            state.closed = true
            defer { state.waiters.removeAll() }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Returns when the client has gone, or at once when the calling task is cancelled.
    func waitUntilClosed() async {
        let id = state.withLock { state -> UInt64 in
            state.nextWaiter &+= 1
            return state.nextWaiter
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state -> Bool in
                    if state.closed || Task.isCancelled { return true }
                    state.waiters[id] = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { $0.waiters.removeValue(forKey: id) }
            waiter?.resume()
        }
    }
}
