import NIOCore
import NIOPosix
import Synchronization

/// Calls `onStall` once when no activity has been recorded in `LastActivity` for
/// `idleNanos`: an event-loop timer that re-arms itself for the rest of the quiet period,
/// so a relayed stream needs no sleeping watchdog task of its own.
final class IdleWatchdog: Sendable {
    private struct State {
        var timer: Scheduled<Void>?
        var stopped = false
    }

    private let state = Mutex(State())
    private let idleNanos: Int64
    private let activity: LastActivity
    private let onStall: @Sendable () -> Void

    init(idleNanos: Int64, activity: LastActivity, onStall: @escaping @Sendable () -> Void) {
        self.idleNanos = idleNanos
        self.activity = activity
        self.onStall = onStall
    }

    /// Starts watching; call `stop` when the stream is over.
    func start() {
        arm(after: idleNanos)
    }

    /// Stops watching; `onStall` will not be called after this returns.
    func stop() {
        let timer = state.withLock { state -> Scheduled<Void>? in
            state.stopped = true
            defer { state.timer = nil }
            return state.timer
        }
        timer?.cancel()
    }

    private func arm(after nanos: Int64) {
        let loop = MultiThreadedEventLoopGroup.singleton.any()
        state.withLock { state in
            guard !state.stopped else { return }
            state.timer = loop.scheduleTask(in: .nanoseconds(max(0, nanos))) { [self] in check() }
        }
    }

    private func check() {
        let quietFor = StreamRelay.nowNanos() - activity.nanos
        guard quietFor >= idleNanos else {
            arm(after: idleNanos - quietFor)
            return
        }
        let fire = state.withLock { state -> Bool in
            guard !state.stopped else { return false }
            state.stopped = true
            state.timer = nil
            return true
        }
        if fire { onStall() }
    }
}
