import NIOCore
import Synchronization

/// Tells the request path that a client connection went away.
///
/// Hummingbird does not cancel a handler when its client disconnects (the server allows
/// half-closure), so a `ConnectionCloseHandler` in each connection's pipeline flips this
/// flag on input close or channel inactivity. Streams check `isClosed` between chunks (one
/// atomic load); delays and `hang` wait on it.
final class ConnectionWatch: Sendable {
    private let closed = Atomic<Bool>(false)
    private let waiters = Mutex<(next: Int, continuations: [Int: CheckedContinuation<Void, Never>])>((0, [:]))

    var isClosed: Bool {
        closed.load(ordering: .acquiring)
    }

    func markClosed() {
        closed.store(true, ordering: .releasing)
        let pending = waiters.withLock { state in
            let all = Array(state.continuations.values)
            state.continuations.removeAll()
            return all
        }
        for continuation in pending { continuation.resume() }
    }

    /// Returns when the client has gone away or the calling task is cancelled.
    func waitUntilClosed() async {
        let id = waiters.withLock { state -> Int in
            state.next += 1
            return state.next
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = waiters.withLock { state -> Bool in
                    if self.isClosed || Task.isCancelled { return true }
                    state.continuations[id] = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let continuation = waiters.withLock { $0.continuations.removeValue(forKey: id) }
            continuation?.resume()
        }
    }

    /// The watch of `channel`'s connection, or nil when the pipeline has none.
    static func of(_ channel: any Channel) async -> ConnectionWatch? {
        if channel.eventLoop.inEventLoop {
            return try? channel.pipeline.syncOperations.handler(type: ConnectionCloseHandler.self).watch
        }
        return try? await channel.eventLoop.submit {
            try channel.pipeline.syncOperations.handler(type: ConnectionCloseHandler.self).watch
        }.get()
    }
}

/// The pipeline handler that feeds a `ConnectionWatch`.
final class ConnectionCloseHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny
    let watch = ConnectionWatch()

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? ChannelEvent, case .inputClosed = event {
            watch.markClosed()
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelInactive(context: ChannelHandlerContext) {
        watch.markClosed()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        watch.markClosed()
    }
}
