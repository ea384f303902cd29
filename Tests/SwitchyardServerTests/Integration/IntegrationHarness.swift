import Foundation
import Logging
import SwitchyardCore
import SwitchyardSimulator
import SwitchyardTesting

/// Starts simulators and a gateway in front of them for one test, and stops them after.
enum Harness {
    static let clientKey = "test-client-key"

    /// Runs `body` with a gateway built by `makeConfig` from freshly started simulators.
    static func withGateway(
        simulators options: [String: SimulatorOptions],
        apiKeys: [String] = [clientKey],
        maxBodyBytes: Int = 16 * 1024 * 1024,
        health: DeploymentHealth.Configuration = DeploymentHealth.Configuration(),
        logger: Logger? = nil,
        logBodies: Bool = false,
        server configureServer: (inout ServerConfig) -> Void = { _ in },
        _ makeConfig: ([String: RunningSimulator]) -> (providers: [ProviderConfig], models: [ModelConfig], routes: [RouteConfig]),
        _ body: (RunningGateway, [String: RunningSimulator]) async throws -> Void
    ) async throws {
        var simulators: [String: RunningSimulator] = [:]
        for (name, var option) in options {
            option.name = name
            simulators[name] = try await SimulatorServer.start(option)
        }
        let parts = makeConfig(simulators)
        var config = GatewayConfig(
            server: ServerConfig(maxBodyBytes: maxBodyBytes, apiKeys: apiKeys.map(Secret.init), logBodies: logBodies),
            providers: parts.providers,
            models: parts.models,
            routes: parts.routes
        )
        configureServer(&config.server)
        config.health = health
        let gateway = try await RunningGateway.start(config, logger: logger)
        do {
            try await body(gateway, simulators)
        } catch {
            await gateway.stop()
            for simulator in simulators.values { await simulator.stop() }
            throw error
        }
        await gateway.stop()
        for simulator in simulators.values { await simulator.stop() }
    }

    static var auth: [String: String] { ["authorization": "Bearer \(clientKey)"] }

    static func chatBody(model: String, stream: Bool = false, includeUsage: Bool = false, maxTokens: Int = 8) -> String {
        var body = #"{"model":"\#(model)","messages":[{"role":"user","content":"hello"}],"max_tokens":\#(maxTokens)"#
        if stream { body += #","stream":true"# }
        if includeUsage { body += #","stream_options":{"include_usage":true}"# }
        return body + "}"
    }

    /// Polls `condition` every 20 ms for up to `seconds`; true once it holds.
    static func eventually(seconds: Double = 5, _ condition: () async -> Bool) async -> Bool {
        let end = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while ContinuousClock.now < end {
            if await condition() { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return await condition()
    }
}
