import SwitchyardCore

/// What the access line and the request metrics say about one client request, filled in
/// by the ingress handler as the request goes and handed to `GatewayTelemetry.finish`.
struct RequestRecord: Sendable {
    /// Which API was called (`chat`, `embeddings`, `messages`): a constant, not the path.
    let endpoint: StaticString
    let requestID: String
    /// When the handler started (the request's arrival).
    let started: ContinuousClock.Instant
    var plan: RoutePlan?
    /// The deployment that served, nil when none did.
    var deployment: Deployment?
    var attempts = 0
    var status = 200
    /// The gateway error's bounded code, for failures.
    var errorCode: String?
    var stream = false
    /// Streams: from arrival to the first event.
    var ttft: Duration?
    /// Time spent in the gateway itself (SPEC §3's overhead).
    var overhead: Duration?
    var usage: TokenUsage?
    /// Streams: `done`, `upstream_error` or `client_gone`.
    var streamEnd: StaticString?

    init(endpoint: StaticString, requestID: String, started: ContinuousClock.Instant = .now) {
        self.endpoint = endpoint
        self.requestID = requestID
        self.started = started
    }

    /// Records a served answer.
    mutating func served(plan: RoutePlan, deployment: Deployment, attempts: Int, overhead: Duration) {
        self.plan = plan
        self.deployment = deployment
        self.attempts = attempts
        self.overhead = overhead
    }

    /// Records a failure answered with `error`.
    mutating func failed(_ error: GatewayError) {
        status = error.status
        errorCode = error.shortDescription
    }
}
