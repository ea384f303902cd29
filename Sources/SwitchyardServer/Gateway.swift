import Hummingbird
import Logging
import ServiceLifecycle
import SwitchyardCore
import SwitchyardSimulator

/// Runs a whole gateway: the embedded simulators of `simulate:` providers, the upstream
/// pools, and the HTTP listener, until cancelled or (with `handleSignals`) SIGINT/SIGTERM,
/// which drain in-flight requests for up to 10 s.
public enum Gateway {
    /// How long in-flight requests may take to finish after a shutdown signal.
    public static let drainTimeout: Duration = .seconds(10)

    /// `metrics` holds the registry `/metrics` serves; each run gets a fresh one by default.
    public static func run(
        config: GatewayConfig,
        logger: Logger,
        metrics: GatewayMetrics? = nil,
        handleSignals: Bool = true,
        stopSignal: GatewayStopSignal? = nil,
        onListening: @escaping @Sendable (Int) async -> Void = { _ in }
    ) async throws {
        let simulated = config.providers.filter { $0.enabled && $0.simulate != nil }
        let simulators = simulated.map { provider in
            (provider.name, SimulatorServer(options: simulatorOptions(for: provider), logger: quiet(logger)))
        }
        // Simulators run in a group of their own: they must be listening before the
        // gateway's adapters are built, and stop after the gateway has drained.
        let simulatorGroup = ServiceGroup(
            configuration: .init(
                services: simulators.map { .init(service: $0.1) },
                gracefulShutdownSignals: [],
                logger: quiet(logger)
            )
        )
        try await withThrowingTaskGroup(of: Void.self) { group in
            if !simulators.isEmpty {
                group.addTask { try await simulatorGroup.run() }
            }
            var urls: [String: String] = [:]
            for (name, simulator) in simulators {
                let port = try await simulator.listeningPort()
                // The base URL as that protocol's SDK would name it (OpenAI's ends in /v1).
                let suffix = simulator.options.protocol == .openai ? "/v1" : ""
                urls[name] = "http://127.0.0.1:\(port)" + suffix
            }
            let runtime = GatewayRuntime(config: config, simulatorURLs: urls, logger: logger, metrics: metrics ?? GatewayMetrics())
            let app = GatewayApplication.make(
                runtime: runtime,
                host: config.server.host,
                port: config.server.port,
                onListening: onListening
            )
            var groupConfiguration = ServiceGroupConfiguration(
                services: [.init(service: app)] + runtime.makeProbers().map { .init(service: $0) },
                gracefulShutdownSignals: handleSignals ? [.sigterm, .sigint] : [],
                logger: logger
            )
            groupConfiguration.maximumGracefulShutdownDuration = drainTimeout
            let serviceGroup = ServiceGroup(configuration: groupConfiguration)
            if let stopSignal {
                group.addTask {
                    await stopSignal.wait()
                    await serviceGroup.triggerGracefulShutdown()
                }
            }
            var runError: (any Error)?
            do {
                try await serviceGroup.run()
            } catch {
                runError = error
            }
            // Release the stop waiter, then let the simulators drain too.
            stopSignal?.stop()
            await runtime.shutdown()
            await simulatorGroup.triggerGracefulShutdown()
            try await group.waitForAll()
            if let runError { throw runError }
        }
    }

    /// The embedded simulator's behaviour for a `simulate:` provider.
    static func simulatorOptions(for provider: ProviderConfig) -> SimulatorOptions {
        let simulate = provider.simulate ?? SimulateConfig()
        let wire: SimulatedProtocol
        switch ProviderProtocol(rawValue: provider.protocolName) {
        case .anthropic: wire = .anthropic
        case .gemini: wire = .gemini
        case .bedrock: wire = .bedrock
        default: wire = .openai
        }
        var options = SimulatorOptions(protocol: wire, name: provider.name)
        options.port = 0
        options.latencyMs = simulate.latencyMs
        options.jitterMs = simulate.jitterMs
        options.ttftMs = simulate.ttftMs
        options.tokensPerSecond = simulate.tokensPerSecond
        options.errorRate = simulate.errorRate
        options.errorStatus = simulate.errorStatus
        options.failAfterMs = simulate.failAfterMs
        options.hang = simulate.hang
        return options
    }

    /// Simulators log only warnings and above: their traffic is the gateway's own.
    static func quiet(_ logger: Logger) -> Logger {
        var logger = logger
        logger.logLevel = max(logger.logLevel, .warning)
        logger[metadataKey: "component"] = "simulator"
        return logger
    }
}

/// Asks a running gateway to shut down gracefully, as SIGTERM would (used by tests and
/// embedders that do not want process signals).
public final class GatewayStopSignal: Sendable {
    private let stream: AsyncStream<Void>
    private let continuation: AsyncStream<Void>.Continuation

    public init() {
        (stream, continuation) = AsyncStream<Void>.makeStream()
    }

    /// Starts the graceful shutdown.
    public func stop() {
        continuation.finish()
    }

    func wait() async {
        for await _ in stream {}
    }
}
