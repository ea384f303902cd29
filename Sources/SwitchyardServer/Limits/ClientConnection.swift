import Synchronization

/// One client connection's liveness, so a request can stop its upstream work when the
/// client that asked for it has gone (closed or reset the connection) instead of running
/// on, and billing tokens, until the upstream answers or the SLA runs out.
///
/// The listener's `HTTP1RequestHandler` marks it closed; request code registers a
/// callback (`onClose`, used by `RequestWatch`).
final class ClientConnection: Sendable {
    private struct State {
        var closed = false
        var nextWaiter: UInt64 = 0
        var waiters: [UInt64: @Sendable () -> Void] = [:]
    }

    private let state = Mutex(State())

    init() {}

    /// True once the client has gone.
    var isClosed: Bool { state.withLock { $0.closed } }

    /// Marks the connection closed and runs every registered callback once.
    func markClosed() {
        let waiters = state.withLock { state -> [@Sendable () -> Void] in
            guard !state.closed else { return [] }
            state.closed = true
            defer { state.waiters.removeAll() }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter() }
    }

    /// Registers `action` to run (on the closing thread) when the client goes. Returns the
    /// registration to pass to `removeOnClose`; when the client has gone already, runs
    /// `action` at once, on the caller's thread, and returns nil.
    func onClose(_ action: @escaping @Sendable () -> Void) -> UInt64? {
        let registration = state.withLock { state -> UInt64? in
            guard !state.closed else { return nil }
            state.nextWaiter &+= 1
            state.waiters[state.nextWaiter] = action
            return state.nextWaiter
        }
        if registration == nil { action() }
        return registration
    }

    /// Forgets a registration; its action will not run.
    func removeOnClose(_ id: UInt64) {
        _ = state.withLock { $0.waiters.removeValue(forKey: id) }
    }
}
