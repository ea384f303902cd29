import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

/// A simulated LLM provider: a real HTTP server on loopback speaking one provider's wire
/// protocol, with controllable latency and failures.
///
/// Run it in a `ServiceGroup` (or call `run()`), then read the bound port with
/// `listeningPort()`. Behaviour can change while it runs, from Swift with `update(_:)` or
/// over HTTP with `PUT /_sim/behavior`; counters are at `stats()` and `GET /_sim/stats`.
public final class SimulatorServer: Service, Sendable {
    private let state: SimulatorState
    private let port = BoundPort()
    private let logger: Logger
    private let host: String
    private let requestedPort: Int
    private let dialect: any WireDialect

    /// Creates a simulator; nothing is bound until `run()`.
    public init(options: SimulatorOptions, logger: Logger = Logger(label: "switchyard.simulator")) {
        self.state = SimulatorState(options: options)
        self.logger = logger
        self.host = options.host
        self.requestedPort = options.port
        self.dialect = Self.dialect(for: options.protocol)
    }

    /// Serves until the task is cancelled or a graceful shutdown is triggered.
    public func run() async throws {
        let port = self.port
        let app = Application(
            responder: SimulatorResponder(state: state, dialect: dialect),
            server: .http1(configuration: .init(additionalChannelHandlers: [ConnectionCloseHandler()])),
            configuration: .init(address: .hostname(host, port: requestedPort), serverName: nil),
            onServerRunning: { channel in
                if let bound = channel.localAddress?.port {
                    port.resolve(.success(bound))
                } else {
                    port.resolve(.failure(SimulatorNotListeningError(description: "bound socket has no port")))
                }
            },
            logger: logger
        )
        state.markStarted()
        do {
            try await app.run()
        } catch {
            port.resolve(.failure(error))
            throw error
        }
        port.resolve(.failure(SimulatorNotListeningError(description: "simulator stopped before listening")))
    }

    /// The port the server listens on, once bound (the real one when `port` was 0).
    public func listeningPort() async throws -> Int {
        try await port.wait()
    }

    /// The current behaviour.
    public var options: SimulatorOptions {
        state.options
    }

    /// Changes the behaviour for requests arriving from now on. `protocol`, `name`, `host`
    /// and `port` are fixed at start; changes to them are ignored.
    public func update(_ change: (inout SimulatorOptions) -> Void) {
        state.update { options in
            let fixed = (options.protocol, options.name, options.host, options.port)
            change(&options)
            (options.protocol, options.name, options.host, options.port) = fixed
        }
    }

    /// Applies a partial behaviour change (the Swift form of `PUT /_sim/behavior`).
    public func update(_ patch: SimulatorBehaviorPatch) {
        state.update { patch.apply(to: &$0) }
    }

    /// The request counters.
    public func stats() -> SimulatorStats {
        state.counters.snapshot()
    }

    /// Zeroes the counters (except `inFlight`, which is live state).
    public func resetStats() {
        state.counters.reset()
    }

    static func dialect(for wire: SimulatedProtocol) -> any WireDialect {
        switch wire {
        case .openai: OpenAIDialect()
        case .anthropic: AnthropicDialect()
        case .gemini: GeminiDialect()
        case .bedrock: BedrockDialect()
        }
    }
}
