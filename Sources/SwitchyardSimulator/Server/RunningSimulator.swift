import Logging
import ServiceLifecycle

/// A simulator started by `SimulatorServer.start(_:)`, for tests and tools: it owns the
/// service group and task that run the server and shuts them down on `stop()`.
public final class RunningSimulator: Sendable {
    /// The server, for `update(_:)` and `stats()`.
    public let server: SimulatorServer
    /// The bound port.
    public let port: Int
    private let group: ServiceGroup
    private let task: Task<Void, any Error>

    init(server: SimulatorServer, port: Int, group: ServiceGroup, task: Task<Void, any Error>) {
        self.server = server
        self.port = port
        self.group = group
        self.task = task
    }

    /// `http://HOST:PORT`, without a trailing slash.
    public var baseURL: String {
        let host = server.options.host
        let shown = host.contains(":") ? "[\(host)]" : host
        return "http://\(shown):\(port)"
    }

    /// Shuts the server down gracefully (hanging requests are released, running streams
    /// end) and waits for it; cancels it if that takes longer than `timeout`.
    public func stop(timeout: Duration = .seconds(5)) async {
        await group.triggerGracefulShutdown()
        let task = self.task
        await withTaskGroup(of: Void.self) { waiters in
            waiters.addTask { _ = await task.result }
            waiters.addTask {
                try? await Task.sleep(for: timeout)
                task.cancel()
            }
            _ = await waiters.next()
            waiters.cancelAll()
        }
        _ = await task.result
    }
}

extension SimulatorServer {
    /// Starts a simulator in a task of its own and returns once its socket is bound.
    public static func start(_ options: SimulatorOptions, logger: Logger? = nil) async throws -> RunningSimulator {
        let logger = logger ?? Logger(label: "switchyard.simulator")
        let server = SimulatorServer(options: options, logger: logger)
        let group = ServiceGroup(configuration: .init(services: [server], gracefulShutdownSignals: [], logger: logger))
        let task = Task { try await group.run() }
        do {
            let port = try await server.listeningPort()
            return RunningSimulator(server: server, port: port, group: group, task: task)
        } catch {
            task.cancel()
            throw error
        }
    }
}
