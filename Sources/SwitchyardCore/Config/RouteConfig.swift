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
    /// Prices or limits that replace the catalog's for this deployment (any field may be set).
    public var pricing: PricingOverride?

    public init(provider: String, model: String, pricing: PricingOverride? = nil) {
        self.provider = provider
        self.model = model
        self.pricing = pricing
    }
}

/// Per-deployment replacements for catalog figures (`input_usd_per_mtok`, ...).
public struct PricingOverride: Sendable, Equatable {
    public var inputUSDPerMTok: Double?
    public var outputUSDPerMTok: Double?
    public var cachedInputUSDPerMTok: Double?
    public var contextWindow: Int?

    public init(inputUSDPerMTok: Double? = nil, outputUSDPerMTok: Double? = nil, cachedInputUSDPerMTok: Double? = nil, contextWindow: Int? = nil) {
        self.inputUSDPerMTok = inputUSDPerMTok
        self.outputUSDPerMTok = outputUSDPerMTok
        self.cachedInputUSDPerMTok = cachedInputUSDPerMTok
        self.contextWindow = contextWindow
    }

    /// `entry` with these figures applied; a new entry when the catalog has none.
    public func applied(to entry: CatalogEntry?, provider: String, model: String) -> CatalogEntry {
        var result = entry ?? CatalogEntry(provider: provider, model: model, inputUSDPerMTok: nil, outputUSDPerMTok: nil)
        if let inputUSDPerMTok { result.inputUSDPerMTok = inputUSDPerMTok }
        if let outputUSDPerMTok { result.outputUSDPerMTok = outputUSDPerMTok }
        if let cachedInputUSDPerMTok { result.cachedInputUSDPerMTok = cachedInputUSDPerMTok }
        if let contextWindow { result.contextWindow = contextWindow }
        return result
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
