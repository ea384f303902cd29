import Foundation
import Logging
import NIOCore
import ServiceLifecycle
import SwitchyardCore
import SwitchyardProviders

/// Actively probes one provider with the cheapest real request its protocol allows (a
/// 1-token completion), so a provider that goes down is noticed, and one that comes back
/// is let in again, without waiting for client traffic. A `Service`: it stops cleanly on
/// graceful shutdown.
///
/// Each probe writes a sample to the probed deployment and tells every deployment of the
/// provider's breaker what it saw (a half-open breaker is decided by it).
struct ProviderProber: Service {
    let provider: ProviderConfig
    let adapter: any ProviderAdapter
    let registry: HealthRegistry
    let model: String
    let interval: Duration
    let logger: Logger
    /// Counts probes (`switchyard_probe_total`) and logs breaker changes.
    var telemetry: GatewayTelemetry? = nil

    private var deployment: Deployment { Deployment(provider: provider.name, model: model) }

    func run() async throws {
        // Start at a random point of the interval so the probes of many providers do not align.
        guard await pause(interval * Double.random(in: 0.05...1)) else { return }
        while !Task.isCancelled {
            await probeOnce()
            guard await pause(interval * Double.random(in: 0.9...1.1)) else { return }
        }
    }

    /// Sleeps; false once shutdown began.
    private func pause(_ duration: Duration) async -> Bool {
        do {
            try await cancelWhenGracefulShutdown {
                try await Task.sleep(for: duration)
            }
            return !Task.isCancelled
        } catch {
            return false
        }
    }

    /// One probe. While failures hold the breaker open the probe still goes, and its
    /// success ends the cool-down early (one trial may go); while a rate limit or an auth
    /// answer holds it open, or a trial is out, the probe is skipped.
    func probeOnce() async {
        let health = registry.health(for: deployment)
        let now = MonotonicTime.nowNanos()
        let permitted = health.acquirePermit(now: now).allowsAttempt
        let testsOpenCircuit = !permitted && health.probeMayTestWhileOpen
        guard permitted || testsOpenCircuit else { return }
        let ticket = AttemptTicket(deployment: deployment, health: health, now: now, telemetry: telemetry?.probeAttempts)
        let timeout = min(Int64(provider.timeoutMs), max(1_000, interval.nanoseconds / 1_000_000), 10_000)
        let call = ChatCall(
            body: ByteBuffer(string: Self.probeBody(model: model)),
            summary: ChatRequestSummary(model: model, maxTokens: 1),
            upstreamModel: model,
            requestID: "probe-" + RequestIdentity.generate(),
            deadline: .now() + .milliseconds(timeout)
        )
        let started = ContinuousClock.now
        let status: String
        let ok: Bool
        var verdict = CircuitBreaker.Event.success
        do {
            _ = try await adapter.send(call)
            ticket.succeed()
            (status, ok) = ("200", true)
            telemetry?.probe(provider: provider.name, failure: nil)
        } catch {
            if Task.isCancelled {
                ticket.cancel()
                return
            }
            ticket.fail(error)
            telemetry?.probe(provider: provider.name, failure: error)
            verdict = error.breakerEvent
            (status, ok) = (error.statusLabel, !error.countsAgainstHealth)
            logger.warning(
                "probe failed",
                metadata: ["provider": "\(provider.name)", "failure": "\(error.kind.rawValue)", "status": "\(status)"]
            )
        }
        let latency = ContinuousClock.now - started
        for entry in registry.entries(ofProvider: provider.name) where entry.deployment != deployment {
            let transition = entry.health.recordBreakerEvent(verdict, now: MonotonicTime.nowNanos())
            telemetry?.probeAttempts.breaker(entry.deployment, transition)
        }
        if ok && verdict == .success {
            // The upstream answers again: every deployment on it that failures had opened
            // may send one trial now instead of waiting out its cool-down.
            for entry in registry.entries(ofProvider: provider.name) {
                let transition = entry.health.recordProbeRecovery(now: MonotonicTime.nowNanos())
                telemetry?.probeAttempts.breaker(entry.deployment, transition)
            }
        }
        registry.recordProbe(
            provider: provider.name,
            status: .init(at: Date().timeIntervalSince1970, ok: ok, status: status, latencyMs: latency.milliseconds)
        )
    }

    static func probeBody(model: String) -> String {
        #"{"model":"# + JSONString.encode(model) + #","messages":[{"role":"user","content":"ping"}],"max_tokens":1}"#
    }

    /// The model to probe a provider with: the configured one, else the first model a
    /// deployment uses on it, else its protocol's default; nil = nothing sensible to probe.
    static func probeModel(for provider: ProviderConfig, config: GatewayConfig) -> String? {
        if let model = provider.probe?.model { return model }
        for model in config.models {
            if let deployment = model.deployments.first(where: { $0.provider == provider.name }) {
                return deployment.model
            }
        }
        return ProviderProtocol(rawValue: provider.protocolName)?.defaultProbeModel
    }
}
