import Logging
import SwitchyardCore

/// What an `AttemptTicket` reports when it settles: the attempt's outcome to
/// `switchyard_upstream_attempts_total`, and a log line when the breaker changed state.
struct AttemptTelemetry: Sendable {
    let metrics: GatewayMetrics
    let logger: Logger
    /// Client-request attempts count; probes have `switchyard_probe_total` instead.
    var countsAttempts = true

    /// The attempt finished with `outcome` (abandoned attempts report nothing).
    func settled(_ deployment: Deployment, outcome: UpstreamOutcome) {
        guard countsAttempts else { return }
        metrics.attempt(provider: deployment.provider, outcome: outcome.metricLabel)
    }

    /// Logs a breaker state change, if there was one.
    func breaker(_ deployment: Deployment, _ transition: CircuitBreaker.Transition?) {
        guard let transition, transition.from.name != transition.to.name else { return }
        let level: Logger.Level = transition.to.name == "open" ? .warning : .notice
        logger.log(
            level: level,
            "circuit breaker changed",
            metadata: [
                "provider": "\(deployment.provider)", "model": "\(deployment.model)",
                "from": "\(transition.from.name)", "to": "\(transition.to.name)",
            ]
        )
    }
}

extension UpstreamOutcome {
    /// The `outcome` label of SPEC §5: ok, rate_limited, error, timeout, connect.
    var metricLabel: String {
        switch self {
        case .ok: "ok"
        case .rateLimited: "rate_limited"
        case .error: "error"
        case .timeout: "timeout"
        case .connect: "connect"
        }
    }
}

extension UpstreamFailure {
    /// The attempt outcome of a failure; a refusal of the request itself (400, context
    /// length, content filter) did not get an answer either, so it counts as an error.
    var attemptOutcome: UpstreamOutcome { healthOutcome ?? .error }
}
