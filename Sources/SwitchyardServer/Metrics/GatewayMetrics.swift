import Prometheus
import SwitchyardCore

/// The gateway's Prometheus metrics (SPEC §5) on a registry of its own, so several
/// gateways in one process (tests) never share counters. `GET /metrics` emits the registry.
///
/// Handles are created once per label set and cached; recording is a cache lookup and an
/// atomic add. Label values are bounded: route, model and provider names come from the
/// config (see `MetricLabels` for `provider/model` requests), statuses are HTTP codes.
public final class GatewayMetrics: Sendable {
    /// Where every handle lives; emitted by `/metrics`.
    public let registry: PrometheusCollectorRegistry

    struct RequestKey: Hashable, Sendable {
        let route: String
        let model: String
        let provider: String
        let status: Int
    }

    struct RouteProvider: Hashable, Sendable {
        let route: String
        let provider: String
    }

    struct Labeled: Hashable, Sendable {
        let first: String
        let second: String
    }

    struct Fallback: Hashable, Sendable {
        let route: String
        let from: String
        let to: String
    }

    struct Tokens: Hashable, Sendable {
        let provider: String
        let model: String
        let input: Bool
    }

    private let requests: HandleCache<RequestKey, Counter>
    private let durations: HandleCache<RouteProvider, DurationHistogram>
    private let ttfts: HandleCache<RouteProvider, DurationHistogram>
    private let attempts: HandleCache<Labeled, Counter>
    private let fallbacks: HandleCache<Fallback, Counter>
    private let hedges: HandleCache<Labeled, Counter>
    private let tokens: HandleCache<Tokens, Counter>
    private let spend: HandleCache<Labeled, Counter>
    private let probes: HandleCache<Labeled, Counter>
    let gauges: HandleCache<Labeled, Gauge>

    /// Metrics on `registry` (a fresh one by default).
    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        requests = HandleCache { key in
            registry.makeCounter(
                descriptor: Self.describe(MetricName.requests),
                labels: [
                    ("route", key.route), ("model", key.model), ("provider", key.provider),
                    ("status", String(key.status)),
                ]
            )
        }
        durations = HandleCache { key in
            registry.makeDurationHistogram(
                descriptor: Self.describe(MetricName.requestDuration),
                labels: [("route", key.route), ("provider", key.provider)],
                buckets: MetricName.latencyBuckets
            )
        }
        ttfts = HandleCache { key in
            registry.makeDurationHistogram(
                descriptor: Self.describe(MetricName.ttft),
                labels: [("route", key.route), ("provider", key.provider)],
                buckets: MetricName.ttftBuckets
            )
        }
        attempts = HandleCache { key in
            registry.makeCounter(
                descriptor: Self.describe(MetricName.upstreamAttempts),
                labels: [("provider", key.first), ("outcome", key.second)]
            )
        }
        fallbacks = HandleCache { key in
            registry.makeCounter(
                descriptor: Self.describe(MetricName.fallbacks),
                labels: [("route", key.route), ("from_provider", key.from), ("to_provider", key.to)]
            )
        }
        hedges = HandleCache { key in
            registry.makeCounter(
                descriptor: Self.describe(MetricName.hedges),
                labels: [("route", key.first), ("outcome", key.second)]
            )
        }
        tokens = HandleCache { key in
            registry.makeCounter(
                descriptor: Self.describe(MetricName.tokens),
                labels: [
                    ("provider", key.provider), ("model", key.model), ("direction", key.input ? "input" : "output"),
                ]
            )
        }
        spend = HandleCache { key in
            registry.makeCounter(
                descriptor: Self.describe(MetricName.spend),
                labels: [("provider", key.first), ("model", key.second)]
            )
        }
        probes = HandleCache { key in
            registry.makeCounter(
                descriptor: Self.describe(MetricName.probes),
                labels: [("provider", key.first), ("outcome", key.second)]
            )
        }
        // Provider gauges, keyed by (metric name, encoded labels): see +Providers.
        gauges = HandleCache { key in
            registry.makeGauge(descriptor: Self.describe(key.first), labels: Self.decodeGaugeLabels(key.second))
        }
    }

    // MARK: Recording (request path)

    /// One answered client request.
    func request(route: String, model: String, provider: String, status: Int) {
        requests[RequestKey(route: route, model: model, provider: provider, status: status)].increment()
    }

    /// How long a request took, from its arrival to its last byte.
    func duration(route: String, provider: String, _ duration: Duration) {
        durations[RouteProvider(route: route, provider: provider)].record(duration)
    }

    /// A stream's time to first token, from the request's arrival.
    func ttft(route: String, provider: String, _ duration: Duration) {
        ttfts[RouteProvider(route: route, provider: provider)].record(duration)
    }

    /// One settled upstream attempt.
    func attempt(provider: String, outcome: String) {
        attempts[Labeled(first: provider, second: outcome)].increment()
    }

    /// A request served by another provider than the first one tried.
    func fallback(route: String, from: String, to: String) {
        fallbacks[Fallback(route: route, from: from, to: to)].increment()
    }

    /// A hedge that was sent: `won` when it answered first.
    func hedge(route: String, won: Bool) {
        hedges[Labeled(first: route, second: won ? "won" : "lost")].increment()
    }

    /// Tokens and cost of one answer, from its usage.
    func usage(provider: String, model: String, _ usage: TokenUsage, costUSD: Double?) {
        if usage.promptTokens > 0 {
            tokens[Tokens(provider: provider, model: model, input: true)].increment(by: Int64(usage.promptTokens))
        }
        if usage.completionTokens > 0 {
            tokens[Tokens(provider: provider, model: model, input: false)].increment(by: Int64(usage.completionTokens))
        }
        if let costUSD, costUSD > 0, costUSD.isFinite {
            spend[Labeled(first: provider, second: model)].increment(by: costUSD)
        }
    }

    /// One active probe's result.
    func probe(provider: String, outcome: String) {
        probes[Labeled(first: provider, second: outcome)].increment()
    }

    // MARK: Helpers

    static func describe(_ name: String) -> MetricNameDescriptor {
        MetricNameDescriptor(metricName: name, unitName: "", helpText: help[name] ?? name)
    }

    static let help: [String: String] = [
        MetricName.requests: "Client requests answered, by route, upstream model, provider and HTTP status.",
        MetricName.requestDuration: "Request latency from arrival to the last byte, in seconds.",
        MetricName.ttft: "Streaming requests' time to first token from arrival, in seconds.",
        MetricName.upstreamAttempts:
            "Upstream attempts by provider and outcome (ok, rate_limited, error, timeout, connect).",
        MetricName.fallbacks: "Requests served by another provider than the first one tried.",
        MetricName.hedges: "Hedged requests by outcome: won when the hedge answered first.",
        MetricName.providerHealthy: "1 when the provider can take traffic (circuit not open, last probe ok).",
        MetricName.providerLatency: "Provider latency percentiles over recent samples, in seconds.",
        MetricName.providerErrorRate: "Share of failed samples in the provider's recent window (0 to 1).",
        MetricName.inFlight: "Upstream attempts in flight per provider.",
        MetricName.tokens: "Tokens by provider, upstream model and direction (input or output).",
        MetricName.spend: "Spend in US dollars by provider and upstream model, priced from the catalog.",
        MetricName.probes: "Active health probes by provider and outcome.",
        MetricName.providerCircuit: "1 for the provider's current circuit state (closed, open, half_open), else 0.",
    ]

    /// Gauge labels travel through the cache key as `name=value` pairs joined by `\u{1}`.
    static func encodeGaugeLabels(_ labels: [(String, String)]) -> String {
        labels.map { $0.0 + "=" + $0.1 }.joined(separator: "\u{1}")
    }

    static func decodeGaugeLabels(_ encoded: String) -> [(String, String)] {
        encoded.split(separator: "\u{1}").compactMap { pair -> (String, String)? in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2 else { return nil }
            return (String(parts[0]), String(parts[1]))
        }
    }
}
