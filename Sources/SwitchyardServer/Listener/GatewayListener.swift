import Logging
import NIOCore
import NIOExtras
import NIOPosix
import ServiceLifecycle
import SwitchyardProviders
import Synchronization

/// The gateway's HTTP listener, a service: a server socket on NIO's event loops whose
/// accepted connections are set up (`GatewayHTTP1Channel.setup`) and answered by a task of
/// their own started right there, on the connection's event loop
/// (`EventLoopTaskExecutor`).
///
/// Hummingbird's server, which it replaces, hands each accepted connection through an
/// async sequence to a task on the cooperative pool, which starts the connection's task:
/// two wake-ups of other threads for every new connection. Here accepting a connection
/// wakes no other thread.
///
/// Graceful shutdown stops accepting, lets each connection finish the answer under way
/// and closes it (`ServerQuiescingHelper`, `HTTPConnectionStateHandler`), and ends once
/// every connection's task has; cancellation closes every connection at once.
final class GatewayListener: Service, Sendable {
    let host: String
    let port: Int
    let connection: GatewayHTTP1Channel
    let group: MultiThreadedEventLoopGroup
    let logger: Logger
    let onListening: @Sendable (Int) async -> Void

    init(
        host: String,
        port: Int,
        connection: GatewayHTTP1Channel,
        group: MultiThreadedEventLoopGroup = .singleton,
        logger: Logger,
        onListening: @escaping @Sendable (Int) async -> Void
    ) {
        self.host = host
        self.port = port
        self.connection = connection
        self.group = group
        self.logger = logger
        self.onListening = onListening
    }

    func run() async throws {
        let quiesce = ServerQuiescingHelper(group: group)
        let tasks = ConnectionTasks()
        let connection = self.connection
        let logger = self.logger
        let server = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(quiesce.makeServerChannelHandler(channel: channel))
                }
            }
            // The client's end of input is seen (`HTTP1RequestHandler`), not a closed socket.
            .childChannelOption(.allowRemoteHalfClosure, value: true)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let value = try connection.setup(channel: channel, logger: logger)
                    tasks.start(on: channel) {
                        await connection.handle(value: value, logger: logger)
                    }
                }
            }
            .bind(host: host, port: port)
            .get()
        let bound = server.localAddress?.port ?? port
        logger.notice("listening on http://\(host):\(bound)")
        await withTaskCancellationHandler {
            await onListening(bound)
            await withGracefulShutdownHandler {
                // Closed by the shutdown below, or by an error of its own.
                try? await server.closeFuture.get()
            } onGracefulShutdown: {
                quiesce.initiateShutdown(promise: nil)
            }
            await tasks.waitUntilNone()
        } onCancel: {
            server.close(promise: nil)
            tasks.cancelAll()
        }
    }
}

/// The listener's connection tasks, so that it can wait for them to end, or cancel them
/// (each closes its connection when cancelled). One uncontended lock when a connection
/// opens and when it closes.
final class ConnectionTasks: Sendable {
    private struct State {
        var tasks: [UInt64: Task<Void, Never>] = [:]
        var nextID: UInt64 = 0
        var cancelled = false
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())

    /// Starts the task that answers `channel`'s requests, on the channel's event loop; after
    /// `cancelAll`, closes the channel instead.
    func start(on channel: any Channel, _ operation: @escaping @Sendable () async -> Void) {
        let executor = EventLoopTaskExecutor(loop: channel.eventLoop)
        let started = state.withLock { state -> Bool in
            guard !state.cancelled else { return false }
            let id = state.nextID
            state.nextID += 1
            // Made under the lock, so that its removal, at its end, finds it there.
            state.tasks[id] = Task(executorPreference: executor) { [self] in
                await operation()
                ended(id)
            }
            return true
        }
        if !started { channel.close(promise: nil) }
    }

    /// Cancels every task, now and to come.
    func cancelAll() {
        let tasks = state.withLock { state -> [Task<Void, Never>] in
            state.cancelled = true
            return Array(state.tasks.values)
        }
        for task in tasks { task.cancel() }
    }

    /// Returns once no task is running.
    func waitUntilNone() async {
        await withCheckedContinuation { continuation in
            let none = state.withLock { state -> Bool in
                if state.tasks.isEmpty { return true }
                state.waiters.append(continuation)
                return false
            }
            if none { continuation.resume() }
        }
    }

    /// Tasks running now: for tests.
    var count: Int { state.withLock { $0.tasks.count } }

    private func ended(_ id: UInt64) {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.tasks[id] = nil
            guard state.tasks.isEmpty else { return [] }
            defer { state.waiters.removeAll() }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }
}
