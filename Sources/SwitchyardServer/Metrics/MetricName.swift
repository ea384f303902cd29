/// The Prometheus names of SPEC §5, plus the breaker state the dashboard shows.
public enum MetricName {
    public static let requests = "switchyard_requests_total"
    public static let requestDuration = "switchyard_request_duration_seconds"
    public static let ttft = "switchyard_ttft_seconds"
    public static let upstreamAttempts = "switchyard_upstream_attempts_total"
    public static let fallbacks = "switchyard_fallbacks_total"
    public static let hedges = "switchyard_hedges_total"
    public static let providerHealthy = "switchyard_provider_healthy"
    public static let providerLatency = "switchyard_provider_latency_seconds"
    public static let providerErrorRate = "switchyard_provider_error_rate"
    public static let inFlight = "switchyard_in_flight_requests"
    public static let tokens = "switchyard_tokens_total"
    public static let spend = "switchyard_spend_usd_total"
    public static let probes = "switchyard_probe_total"
    /// Not in SPEC §5: 1 for the provider's current circuit state (`closed`, `open`,
    /// `half_open`), 0 for the others.
    public static let providerCircuit = "switchyard_provider_circuit_state"

    /// Request latency buckets: 10 ms to 60 s, dense where LLM answers land.
    static let latencyBuckets: [Duration] = [
        .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250),
        .milliseconds(500), .milliseconds(750), .seconds(1), .milliseconds(1500), .seconds(2),
        .milliseconds(3500), .seconds(5), .milliseconds(7500), .seconds(10), .seconds(20), .seconds(30),
        .seconds(60),
    ]

    /// Time-to-first-token buckets: 5 ms to 10 s.
    static let ttftBuckets: [Duration] = [
        .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
        .milliseconds(200), .milliseconds(350), .milliseconds(500), .milliseconds(750), .seconds(1),
        .milliseconds(1500), .seconds(2), .milliseconds(3500), .seconds(5), .seconds(10),
    ]
}
