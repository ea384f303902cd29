import SwitchyardCore
import SwitchyardSimulator

/// Building blocks for integration-test configurations in front of simulators.
public enum TestConfigs {
    /// An OpenAI-protocol provider pointing at a running simulator.
    public static func provider(
        _ name: String,
        simulator: RunningSimulator,
        apiKey: String = "sim-key",
        probeIntervalMs: Int? = nil
    ) -> ProviderConfig {
        ProviderConfig(
            name: name,
            protocolName: "openai",
            baseURL: simulator.baseURL + "/v1",
            apiKey: Secret(apiKey),
            timeoutMs: 10_000,
            connectTimeoutMs: 1_000,
            probe: probeIntervalMs.map { ProbeConfig(intervalMs: $0) }
        )
    }

    /// Health settings with short breaker cool-downs, so tests see open → half-open → closed
    /// in a fraction of a second.
    public static func fastBreakers(openMs: UInt64 = 300, failureThreshold: Int = 3) -> DeploymentHealth.Configuration {
        var configuration = DeploymentHealth.Configuration()
        configuration.breaker.openDuration = openMs * 1_000_000
        configuration.breaker.maxOpenDuration = openMs * 4 * 1_000_000
        configuration.breaker.failureThreshold = failureThreshold
        return configuration
    }

    /// An OpenAI-protocol provider pointing at a closed port (connection refused).
    public static func deadProvider(_ name: String, port: Int = 1) -> ProviderConfig {
        ProviderConfig(
            name: name,
            protocolName: "openai",
            baseURL: "http://127.0.0.1:\(port)/v1",
            apiKey: Secret("dead-key"),
            timeoutMs: 2_000,
            connectTimeoutMs: 500,
            probe: nil
        )
    }

    /// A model served by one deployment per listed provider.
    public static func model(_ name: String, on providers: [String], upstream: String = "gpt-4o-mini") -> ModelConfig {
        ModelConfig(name: name, deployments: providers.map { DeploymentConfig(provider: $0, model: upstream) })
    }
}
