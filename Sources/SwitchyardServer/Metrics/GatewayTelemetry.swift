import Logging
import SwitchyardCore

/// Where the request path reports what operators watch: it counts into `GatewayMetrics`
/// and writes the access line and the failover, hedge and probe lines. One per gateway.
///
/// Logging costs nothing when the level filters it out: metadata is built inside
/// swift-log's autoclosures.
final class GatewayTelemetry: Sendable {
    let metrics: GatewayMetrics
    let logger: Logger
    let prices: PriceBook
    /// `server.log_bodies`: request bodies may be logged at debug.
    let logBodies: Bool

    static let none = "none"

    init(metrics: GatewayMetrics, logger: Logger, prices: PriceBook, logBodies: Bool) {
        self.metrics = metrics
        var logger = logger
        logger[metadataKey: "component"] = "gateway"
        self.logger = logger
        self.attempts = AttemptTelemetry(metrics: metrics, logger: logger)
        self.probeAttempts = AttemptTelemetry(metrics: metrics, logger: logger, countsAttempts: false)
        self.prices = prices
        self.logBodies = logBodies
    }

    /// What client-request attempt tickets report to.
    let attempts: AttemptTelemetry
    /// What probe tickets report to (breaker changes only).
    let probeAttempts: AttemptTelemetry

    /// What the executor reports fallbacks and hedges to.
    var executionObserver: ExecutionObserver {
        ExecutionObserver(
            onFallback: { [metrics, logger] route, from, to in
                metrics.fallback(route: route, from: from, to: to)
                logger.info(
                    "failover",
                    metadata: ["route": "\(route)", "from_provider": "\(from)", "to_provider": "\(to)"]
                )
            },
            onHedge: { [metrics, logger] route, won in
                metrics.hedge(route: route, won: won)
                logger.debug("hedge settled", metadata: ["route": "\(route)", "outcome": "\(won ? "won" : "lost")"])
            }
        )
    }

    /// Counts one probe's result (its failure is logged by the prober).
    func probe(provider: String, failure: UpstreamFailure?) {
        metrics.probe(provider: provider, outcome: failure.map(\.attemptOutcome.metricLabel) ?? "ok")
    }

    /// Logs a request body at debug, only when the operator asked for bodies.
    func body(_ text: @autoclosure () -> String, requestID: String) {
        guard logBodies else { return }
        logger.debug("request body", metadata: ["request_id": "\(requestID)", "body": "\(text())"])
    }

    /// The request is over: count it and write its access line.
    func finish(_ record: RequestRecord) {
        let elapsed = ContinuousClock.now - record.started
        let labels = labels(record)
        metrics.request(route: labels.route, model: labels.model, provider: labels.provider, status: record.status)
        if record.plan != nil {
            metrics.duration(route: labels.route, provider: labels.provider, elapsed)
        }
        if let ttft = record.ttft {
            metrics.ttft(route: labels.route, provider: labels.provider, ttft)
        }
        var cost: Double?
        if let usage = record.usage, let deployment = record.deployment {
            cost = prices.cost(usage, on: deployment)
            metrics.usage(provider: labels.provider, model: labels.model, usage, costUSD: cost)
        }
        logger.info("request", metadata: Self.accessMetadata(record, elapsed: elapsed, cost: cost))
    }

    /// Bounded label values: config names, or for a `provider/model` request whose model
    /// neither the config nor the catalog knows, `provider/other` and `other`.
    func labels(_ record: RequestRecord) -> (route: String, model: String, provider: String) {
        guard let plan = record.plan else { return (Self.none, Self.none, Self.none) }
        let provider = record.deployment?.provider ?? Self.none
        var model = record.deployment?.model ?? Self.none
        var route = plan.name
        if plan.kind == .direct, let direct = plan.deployments.first, prices.entry(for: direct) == nil {
            route = direct.provider + "/other"
            if record.deployment != nil { model = "other" }
        }
        return (route, model, provider)
    }

    static func accessMetadata(_ record: RequestRecord, elapsed: Duration, cost: Double?) -> Logger.Metadata {
        var metadata: Logger.Metadata = [
            "request_id": .string(record.requestID),
            "endpoint": .string(record.endpoint.description),
            "route": .string(record.plan?.name ?? none),
            "status": .stringConvertible(record.status),
            "attempts": .stringConvertible(record.attempts),
            "latency_ms": .stringConvertible(millis(elapsed)),
            "stream": .stringConvertible(record.stream),
        ]
        if let deployment = record.deployment {
            metadata["provider"] = .string(deployment.provider)
            metadata["model"] = .string(deployment.model)
        }
        if let ttft = record.ttft { metadata["ttft_ms"] = .stringConvertible(millis(ttft)) }
        if let overhead = record.overhead { metadata["overhead_ms"] = .stringConvertible(millis(overhead)) }
        if let usage = record.usage {
            metadata["tokens_in"] = .stringConvertible(usage.promptTokens)
            metadata["tokens_out"] = .stringConvertible(usage.completionTokens)
        }
        if let cost { metadata["cost_usd"] = .stringConvertible(cost) }
        if let code = record.errorCode { metadata["error"] = .string(code) }
        if let end = record.streamEnd { metadata["stream_end"] = .string(end.description) }
        return metadata
    }

    /// Milliseconds with three decimals, never negative.
    static func millis(_ duration: Duration) -> Double {
        (max(0, duration.milliseconds) * 1000).rounded() / 1000
    }
}
