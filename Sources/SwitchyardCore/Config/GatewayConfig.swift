/// The whole parsed configuration of a gateway: listener, providers, models and routes.
///
/// Plain values with defaults, parsed once at the edge (see `SwitchyardServer`'s loader)
/// and then shared read-only.
public struct GatewayConfig: Sendable, Equatable {
    public var server: ServerConfig
    /// Named upstream accounts, in the order they were declared.
    public var providers: [ProviderConfig]
    /// Public model name -> deployments, in declaration order.
    public var models: [ModelConfig]
    /// Virtual models over several models, in declaration order.
    public var routes: [RouteConfig]
    /// How deployment health is kept (breaker thresholds, ring size). Not part of the
    /// YAML schema: defaults serve production; tests and embedders shorten the cool-downs.
    public var health: DeploymentHealth.Configuration = DeploymentHealth.Configuration()

    public init(
        server: ServerConfig = ServerConfig(),
        providers: [ProviderConfig] = [],
        models: [ModelConfig] = [],
        routes: [RouteConfig] = []
    ) {
        self.server = server
        self.providers = providers
        self.models = models
        self.routes = routes
    }

    /// The provider with that name, if declared and enabled.
    public func provider(named name: String) -> ProviderConfig? {
        providers.first { $0.name == name && $0.enabled }
    }
}

/// The listener's settings (`server:`).
public struct ServerConfig: Sendable, Equatable {
    public var host: String
    public var port: Int
    public var maxBodyBytes: Int
    /// Bearer keys clients use; empty means no auth (local use).
    public var apiKeys: [Secret]
    /// Log prompts and completions; off unless the operator asks.
    public var logBodies: Bool

    public init(
        host: String = "127.0.0.1",
        port: Int = 8080,
        maxBodyBytes: Int = 16 * 1024 * 1024,
        apiKeys: [Secret] = [],
        logBodies: Bool = false
    ) {
        self.host = host
        self.port = port
        self.maxBodyBytes = maxBodyBytes
        self.apiKeys = apiKeys
        self.logBodies = logBodies
    }
}
