import NIOCore
import NIOPosix
import Synchronization

/// Ends one request's attempts when its SLA deadline passes or its client goes away,
/// whichever comes first, by cancelling the task that runs them.
///
/// One event-loop timer and one close callback per request, instead of a sleeping
/// watchdog task and a waiting task racing the attempts: no extra tasks, no thread of the
/// global pool woken for the timer. The cancelled task is only touched while it is inside
/// `guarding`, under the lock that `guarding` takes again before it returns.
final class RequestWatch: NIOScheduledCallbackHandler, Sendable {
    /// Why the watch cancelled the attempts.
    enum Reason: Sendable {
        case deadline
        case clientClosed
    }

    private struct State {
        var task: TaskHandle?
        var fired: Reason?
        var timer: NIOScheduledCallback?
        var closeRegistration: UInt64?
    }

    private let state = Mutex(State())
    private let deadline: NIODeadline
    private let client: ClientConnection?

    init(deadline: NIODeadline, client: ClientConnection?) {
        self.deadline = deadline
        self.client = client
    }

    /// Runs `body` in the calling task, cancelling that task if the deadline passes or the
    /// client goes before it returns. Returns the body's value and why it was cancelled, if it was.
    func guarding<Value: Sendable>(_ body: () async -> Value) async -> (value: Value, fired: Reason?) {
        withUnsafeCurrentTask { task in
            let handle = task.map(TaskHandle.init)
            state.withLock { $0.task = handle }
        }
        // A scheduled callback, not a task: no promise or closure for a timer nearly always
        // cancelled. Only a loop shutting down refuses it; the deadline is then taken as past.
        let timer = try? MultiThreadedEventLoopGroup.singleton.any().scheduleCallback(at: deadline, handler: self)
        if timer == nil { fire(.deadline) }
        let registration = client?.onClose { [self] in fire(.clientClosed) }
        state.withLock { state in
            state.timer = timer
            state.closeRegistration = registration
        }
        let value = await body()
        let settled = state.withLock { state -> (Reason?, NIOScheduledCallback?, UInt64?) in
            state.task = nil
            defer { state.timer = nil; state.closeRegistration = nil }
            return (state.fired, state.timer, state.closeRegistration)
        }
        settled.1?.cancel()
        if let id = settled.2 { client?.removeOnClose(id) }
        return (value, settled.0)
    }

    /// The deadline's timer.
    func handleScheduledCallback(eventLoop: some EventLoop) {
        fire(.deadline)
    }

    private func fire(_ reason: Reason) {
        state.withLock { state in
            guard state.fired == nil else { return }
            state.fired = reason
            state.task?.task.cancel()
        }
    }
}

/// The running task a `RequestWatch` may cancel. Only used under the watch's lock while
/// that task is inside `guarding`, so it never outlives the task it names.
private struct TaskHandle: @unchecked Sendable {
    let task: UnsafeCurrentTask
}
