import NIOCore

/// Runs a task, and the child tasks it starts, on one NIO event loop. The gateway runs each
/// client connection's task on that connection's loop: the request is read, routed, sent
/// upstream (on an upstream connection of the same loop, when `HTTP1Pool` has one) and
/// answered on one thread, and a hand-off between those steps is an entry in the loop's
/// queue, not a wake-up of another thread.
///
/// A job enqueued on the loop itself (the usual case: a continuation resumed by the
/// connection's handlers) goes into this executor's own queue, run by one queued drain, so
/// that it costs no allocation: NIO's `execute` allocates a closure for each job, and its
/// allocation-free path for jobs runs them as isolated to the loop's serial executor, which
/// a task executor cannot use. A job enqueued from another thread is handed over with
/// `execute`.
///
/// Work on the loop delays that loop's other sockets while it runs: only code that never
/// blocks belongs under it (the gateway's per-request work is parsing and routing).
///
/// `@unchecked Sendable`: `queued`, `drainQueued` and `drain` (after `init`) are touched
/// only on `loop`'s thread.
public final class EventLoopTaskExecutor: TaskExecutor, @unchecked Sendable {
    public let loop: any EventLoop
    /// Jobs enqueued on the loop, oldest first.
    private var queued = CircularBuffer<UnownedJob>(initialCapacity: 4)
    /// A drain is in the loop's queue.
    private var drainQueued = false
    /// Runs the jobs queued so far; made once, so queueing it allocates nothing.
    private var drain: @Sendable () -> Void = {}

    public init(loop: any EventLoop) {
        self.loop = loop
        self.drain = { [unowned self] in self.runQueued() }
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        guard loop.inEventLoop else {
            loop.execute { [self] in
                job.runSynchronously(on: asUnownedTaskExecutor())
            }
            return
        }
        queued.append(job)
        if !drainQueued {
            drainQueued = true
            loop.execute(drain)
        }
    }

    /// Runs the jobs queued when it starts. One that a job enqueues meanwhile (a hand-off
    /// between two tasks) waits for the next drain, queued behind the loop's other work, so
    /// that two tasks handing off to each other cannot keep the loop from its sockets. A
    /// job's task keeps this executor alive until the job has run.
    private func runQueued() {
        drainQueued = false
        var remaining = queued.count
        while remaining > 0, let job = queued.popFirst() {
            remaining -= 1
            job.runSynchronously(on: asUnownedTaskExecutor())
        }
    }
}
