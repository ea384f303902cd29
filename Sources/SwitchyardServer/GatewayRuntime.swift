import Foundation
import Logging
import SwitchyardCore
import SwitchyardProviders

/// Everything a request needs, built once from the config at start-up and shared
/// read-only: the model resolver, one adapter per enabled provider, and their HTTP pools.
public final class GatewayRuntime: Sendable {
    public let config: GatewayConfig
    public let resolver: ModelResolver
    let adapters: [String: any ProviderAdapter]
    let clients: [UpstreamHTTPClient]
    let logger: Logger
    /// Keys clients may present, as bytes for constant-time comparison.
    let clientKeys: [[UInt8]]
    /// Live health of every deployment.
    let registry: HealthRegistry
    /// The routing core's pickers over that health.
    let planner: RoutePlanner
    /// Prices and context windows per deployment.
    let prices: PriceBook
    /// Metrics (`/metrics`) and the access, failover and probe log lines.
    let telemetry: GatewayTelemetry

    /// Builds adapters for every enabled provider. `simulatorURLs` gives the base URL of
    /// each embedded simulator (`simulate:` providers), started before this.
    /// `metrics` holds this gateway's Prometheus registry (a fresh one by default).
    public init(
        config: GatewayConfig,
        simulatorURLs: [String: String] = [:],
        logger: Logger,
        metrics: GatewayMetrics = GatewayMetrics()
    ) {
        self.config = config
        self.resolver = ModelResolver(config: config)
        self.logger = logger
        self.clientKeys = config.server.apiKeys.map { Array($0.value.utf8) }
        self.registry = HealthRegistry(config: config)
        let prices = PriceBook(config: config)
        self.prices = prices
        self.telemetry = GatewayTelemetry(metrics: metrics, logger: logger, prices: prices, logBodies: config.server.logBodies)
        self.planner = RoutePlanner(registry: registry, resolver: resolver) { prices.entry(for: $0)?.blendedUSDPerMTok }
        var adapters: [String: any ProviderAdapter] = [:]
        var clients: [UpstreamHTTPClient] = []
        for provider in config.providers where provider.enabled {
            let baseURL = simulatorURLs[provider.name] ?? provider.baseURL
            guard !baseURL.isEmpty else {
                logger.warning("provider has no base URL; disabled", metadata: ["provider": "\(provider.name)"])
                continue
            }
            guard let kind = ProviderProtocol(rawValue: provider.protocolName) else { continue }
            let http = UpstreamHTTPClient(maxConnections: provider.maxConnections, connectTimeoutMs: provider.connectTimeoutMs)
            clients.append(http)
            var providerLogger = logger
            providerLogger[metadataKey: "provider"] = "\(provider.name)"
            if let adapter = Self.makeAdapter(kind, provider: provider, baseURL: baseURL, http: http, logger: providerLogger) {
                adapters[provider.name] = adapter
            } else {
                logger.warning(
                    "protocol is not served yet; provider disabled",
                    metadata: ["provider": "\(provider.name)", "protocol": "\(kind.rawValue)"]
                )
            }
        }
        self.adapters = adapters
        self.clients = clients
    }

    /// One prober per enabled provider whose `probe:` is on and that has a model to probe.
    func makeProbers() -> [ProviderProber] {
        config.providers.compactMap { provider in
            guard provider.enabled, let probe = provider.probe, let adapter = adapters[provider.name],
                let model = ProviderProber.probeModel(for: provider, config: config)
            else { return nil }
            var probeLogger = logger
            probeLogger[metadataKey: "component"] = "prober"
            return ProviderProber(
                provider: provider,
                adapter: adapter,
                registry: registry,
                model: model,
                interval: .milliseconds(probe.intervalMs),
                logger: probeLogger,
                telemetry: telemetry
            )
        }
    }

    /// The adapter for a protocol, or nil where the protocol is not served.
    static func makeAdapter(
        _ kind: ProviderProtocol, provider: ProviderConfig, baseURL: String, http: UpstreamHTTPClient, logger: Logger
    ) -> (any ProviderAdapter)? {
        switch kind {
        case .anthropic:
            return AnthropicAdapter(provider: provider, baseURL: baseURL, http: http, logger: logger)
        case .gemini:
            return GeminiAdapter(provider: provider, baseURL: baseURL, http: http, logger: logger)
        case .vertex:
            return VertexAdapter(provider: provider, baseURL: baseURL, http: http, logger: logger)
        case .bedrock:
            return BedrockAdapter(provider: provider, baseURL: baseURL, http: http, logger: logger)
        case .azure:
            return AzureAdapter(provider: provider, baseURL: baseURL, http: http, logger: logger)
        case .cohere:
            return CohereAdapter(provider: provider, baseURL: baseURL, http: http, logger: logger)
        case _ where kind.isOpenAICompatible:
            // Simulated providers speak plain OpenAI whatever preset they stand in for.
            let wire = provider.simulate == nil ? kind : .openai
            return OpenAIAdapter(provider: provider, wire: wire, baseURL: baseURL, http: http, logger: logger)
        default:
            return nil
        }
    }

    /// Closes every upstream connection pool.
    public func shutdown() async {
        for client in clients { await client.shutdown() }
    }

    /// Whether `presented` is one of the configured client keys (constant time per key).
    func isAuthorized(_ presented: Substring?) -> Bool {
        if clientKeys.isEmpty { return true }
        guard let presented else { return false }
        let bytes = Array(presented.utf8)
        var match = false
        for key in clientKeys where ConstantTime.equals(key, bytes) {
            match = true
        }
        return match
    }
}

/// Comparison whose duration does not depend on where two byte strings differ.
enum ConstantTime {
    static func equals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        var difference = UInt8(a.count == b.count ? 0 : 1)
        let count = max(a.count, b.count)
        for i in 0..<count {
            let x = i < a.count ? a[i] : 0
            let y = i < b.count ? b[i] : 0
            difference |= x ^ y
        }
        return difference == 0
    }
}
