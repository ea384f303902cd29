import NIOCore

/// Runs the jobs of the tasks that prefer it on one NIO event loop.
///
/// The gateway's client connections prefer the event loop their socket lives on, so that
/// reading a request, routing it, the upstream exchange (``HTTP1Pool`` lends a connection of
/// the same loop) and writing the answer happen on one thread, with no hand-off to Swift's
/// cooperative pool and back at each `await`.
///
/// Nothing that runs under it may block: that would stall every connection of the loop.
public final class EventLoopTaskExecutor: TaskExecutor {
    /// The loop that runs the jobs.
    public let loop: any EventLoop

    public init(loop: any EventLoop) {
        self.loop = loop
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        loop.execute {
            job.runSynchronously(on: self.asUnownedTaskExecutor())
        }
    }
}
