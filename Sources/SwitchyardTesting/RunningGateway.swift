import Logging
import Synchronization
import SwitchyardCore
import SwitchyardServer

/// A whole gateway started in-process on an ephemeral loopback port, for integration tests.
///
/// It runs the same code as `switchyard serve` (embedded simulators, upstream pools,
/// Hummingbird listener); `stop()` shuts it down gracefully.
public final class RunningGateway: Sendable {
    /// The bound port on 127.0.0.1.
    public let port: Int
    private let task: Task<Void, any Error>
    private let stopSignal: GatewayStopSignal

    /// `http://127.0.0.1:PORT`
    public var baseURL: String { "http://127.0.0.1:\(port)" }

    private init(port: Int, task: Task<Void, any Error>, stopSignal: GatewayStopSignal) {
        self.port = port
        self.task = task
        self.stopSignal = stopSignal
    }

    /// Starts a gateway for `config` (its host/port are replaced by 127.0.0.1:0). `logger`
    /// (e.g. one capturing lines for a test) replaces the default one at `logLevel`.
    public static func start(
        _ config: GatewayConfig,
        logLevel: Logger.Level = .warning,
        logger: Logger? = nil
    ) async throws -> RunningGateway {
        var config = config
        config.server.host = "127.0.0.1"
        config.server.port = 0
        var defaultLogger = Logger(label: "switchyard.test")
        defaultLogger.logLevel = logLevel
        let logger = logger ?? defaultLogger
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let stopSignal = GatewayStopSignal()
        let task = Task {
            defer { continuation.finish() }
            try await Gateway.run(config: config, logger: logger, handleSignals: false, stopSignal: stopSignal) { port in
                continuation.yield(port)
            }
        }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else {
            // The gateway stopped before listening: surface its error.
            try await task.value
            throw GatewayStartError()
        }
        return RunningGateway(port: port, task: task, stopSignal: stopSignal)
    }

    /// Shuts the gateway down gracefully (as SIGTERM would) and waits until it has.
    public func stop() async {
        stopSignal.stop()
        _ = try? await task.value
    }

    /// The gateway exited before it was listening.
    public struct GatewayStartError: Error {}
}
