import NIOCore

/// Runs a task, and the child tasks it starts, on one NIO event loop. The gateway runs each
/// client connection's task on that connection's loop: the request is read, routed, sent
/// upstream (on an upstream connection of the same loop, when `HTTP1Pool` has one) and
/// answered on one thread, and a hand-off between those steps is an entry in the loop's
/// queue, not a wake-up of another thread.
///
/// Work on the loop delays that loop's other sockets while it runs: only code that never
/// blocks belongs under it (the gateway's per-request work is parsing and routing).
public final class EventLoopTaskExecutor: TaskExecutor, Sendable {
    public let loop: any EventLoop

    public init(loop: any EventLoop) {
        self.loop = loop
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        loop.execute { [self] in
            job.runSynchronously(on: asUnownedTaskExecutor())
        }
    }
}
