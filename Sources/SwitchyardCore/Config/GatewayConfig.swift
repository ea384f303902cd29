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

/// The listener's settings (`server:`), including the limits that protect it from
/// hostile or broken clients.
public struct ServerConfig: Sendable, Equatable {
    public var host: String
    public var port: Int
    public var maxBodyBytes: Int
    /// Largest request head (request line and all header fields) accepted; a larger one
    /// gets 431 and the connection is closed.
    public var maxHeaderBytes: Int
    /// A client connection with no request in progress for this long is closed; it also
    /// bounds how long a client may take to send a request head.
    public var clientIdleTimeoutMs: Int
    /// How long a client may take to send a request body once its head has arrived (408).
    public var clientRequestTimeoutMs: Int
    /// Requests to `/v1/*` served at once (streams count until they end); beyond it
    /// clients get 503 `overloaded` with `retry-after`. Health and metrics are exempt.
    public var maxConcurrentRequests: Int
    /// Bearer keys clients use; empty means no auth (local use).
    public var apiKeys: [Secret]
    /// Log prompts and completions; off unless the operator asks.
    public var logBodies: Bool

    public init(
        host: String = "127.0.0.1",
        port: Int = 8080,
        maxBodyBytes: Int = 16 * 1024 * 1024,
        maxHeaderBytes: Int = 64 * 1024,
        clientIdleTimeoutMs: Int = 60_000,
        clientRequestTimeoutMs: Int = 30_000,
        maxConcurrentRequests: Int = 4096,
        apiKeys: [Secret] = [],
        logBodies: Bool = false
    ) {
        self.host = host
        self.port = port
        self.maxBodyBytes = maxBodyBytes
        self.maxHeaderBytes = maxHeaderBytes
        self.clientIdleTimeoutMs = clientIdleTimeoutMs
        self.clientRequestTimeoutMs = clientRequestTimeoutMs
        self.maxConcurrentRequests = maxConcurrentRequests
        self.apiKeys = apiKeys
        self.logBodies = logBodies
    }
}
