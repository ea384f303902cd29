/// A simulator started by `SimulatorServer.start(_:)`, for tests and tools: it owns the
/// task that runs the server and cancels it on `stop()`.
public final class RunningSimulator: Sendable {
    /// The server, for `update(_:)` and `stats()`.
    public let server: SimulatorServer
    /// The bound port.
    public let port: Int
    private let task: Task<Void, any Error>

    init(server: SimulatorServer, port: Int, task: Task<Void, any Error>) {
        self.server = server
        self.port = port
        self.task = task
    }

    /// `http://HOST:PORT`, without a trailing slash.
    public var baseURL: String {
        let host = server.options.host
        let shown = host.contains(":") ? "[\(host)]" : host
        return "http://\(shown):\(port)"
    }

    /// Stops the server and waits until it has stopped.
    public func stop() async {
        task.cancel()
        _ = await task.result
    }
}

extension SimulatorServer {
    /// Starts a simulator in a task of its own and returns once its socket is bound.
    public static func start(_ options: SimulatorOptions) async throws -> RunningSimulator {
        let server = SimulatorServer(options: options)
        let task = Task { try await server.run() }
        do {
            let port = try await server.listeningPort()
            return RunningSimulator(server: server, port: port, task: task)
        } catch {
            task.cancel()
            throw error
        }
    }
}
