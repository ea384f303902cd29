/// A public model name and the deployments that serve it (`models.NAME:`).
public struct ModelConfig: Sendable, Equatable {
    public var name: String
    public var deployments: [DeploymentConfig]

    public init(name: String, deployments: [DeploymentConfig]) {
        self.name = name
        self.deployments = deployments
    }
}

/// One deployment of a model: which provider, and the model id that provider knows.
public struct DeploymentConfig: Sendable, Equatable {
    public var provider: String
    public var model: String

    public init(provider: String, model: String) {
        self.provider = provider
        self.model = model
    }
}

/// How a route chooses among its targets.
public enum RoutingStrategy: String, Sendable, Equatable, CaseIterable {
    case latency, cost, priority, weighted
    case roundRobin = "round_robin"
}

/// Failure classes a route may retry on (`retry_on:`).
public enum RetryCondition: String, Sendable, Equatable, CaseIterable {
    case rateLimited = "429"
    case serverError = "5xx"
    case timeout
    case connect
}

/// When to send a hedged second request (`hedge:`).
public enum HedgeConfig: Sendable, Equatable {
    /// After a fixed delay without a first byte.
    case afterMs(Int)
    /// After the chosen deployment's own p95 latency (TTFT for streams).
    case afterP95
}

/// A virtual model: one name, a strategy over several models (`routes.NAME:`).
public struct RouteConfig: Sendable, Equatable {
    public var name: String
    public var strategy: RoutingStrategy
    public var slaMs: Int
    /// Model names (keys of `models:`) or `provider/model` targets.
    public var targets: [String]
    /// Weights for `weighted`, one per target.
    public var weights: [Double]
    public var maxAttempts: Int
    public var retryOn: Set<RetryCondition>
    public var hedge: HedgeConfig?
    public var streamIdleTimeoutMs: Int

    public static let defaultSlaMs = 2_000
    public static let defaultRetryOn: Set<RetryCondition> = Set(RetryCondition.allCases)

    public init(
        name: String,
        strategy: RoutingStrategy = .latency,
        slaMs: Int = RouteConfig.defaultSlaMs,
        targets: [String],
        weights: [Double] = [],
        maxAttempts: Int = 3,
        retryOn: Set<RetryCondition> = RouteConfig.defaultRetryOn,
        hedge: HedgeConfig? = nil,
        streamIdleTimeoutMs: Int = 30_000
    ) {
        self.name = name
        self.strategy = strategy
        self.slaMs = slaMs
        self.targets = targets
        self.weights = weights
        self.maxAttempts = maxAttempts
        self.retryOn = retryOn
        self.hedge = hedge
        self.streamIdleTimeoutMs = streamIdleTimeoutMs
    }
}
