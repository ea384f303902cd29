/// What a request's `model` string resolved to: the deployments to choose from and the
/// rules for choosing, trying again and giving up.
public struct RoutePlan: Sendable, Equatable {
    /// How the name was resolved (SPEC §2 order: route, model, `provider/model`).
    public enum Kind: String, Sendable, Equatable {
        case route, model, direct
    }

    /// The name the client asked for (echoed as `x-switchyard-route`).
    public let name: String
    public let kind: Kind
    public let strategy: RoutingStrategy
    public let slaMs: Int
    /// Candidate deployments, in listed order, without duplicates.
    public let deployments: [Deployment]
    public let maxAttempts: Int
    public let retryOn: Set<RetryCondition>
    public let hedge: HedgeConfig?
    public let streamIdleTimeoutMs: Int

    public init(
        name: String,
        kind: Kind,
        strategy: RoutingStrategy = .latency,
        slaMs: Int = RouteConfig.defaultSlaMs,
        deployments: [Deployment],
        maxAttempts: Int = 3,
        retryOn: Set<RetryCondition> = RouteConfig.defaultRetryOn,
        hedge: HedgeConfig? = nil,
        streamIdleTimeoutMs: Int = 30_000
    ) {
        self.name = name
        self.kind = kind
        self.strategy = strategy
        self.slaMs = slaMs
        self.deployments = deployments
        self.maxAttempts = maxAttempts
        self.retryOn = retryOn
        self.hedge = hedge
        self.streamIdleTimeoutMs = streamIdleTimeoutMs
    }
}
