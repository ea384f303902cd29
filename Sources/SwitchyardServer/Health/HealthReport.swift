import Foundation
import SwitchyardCore

/// Builds `/health`'s JSON from memory (SPEC §3): per provider its health, breaker,
/// latency and TTFT percentiles, error rate, in-flight count and last probe; per route
/// the deployments that could be picked right now. Never touches a provider.
struct HealthReport {
    let runtime: GatewayRuntime

    /// One provider's view, aggregated over its deployments.
    struct ProviderView {
        let name: String
        let healthy: Bool
        let circuit: String
        let stats: HealthStats
        let inFlight: Int
        let lastProbe: HealthRegistry.ProbeStatus?
    }

    enum Status: String {
        case ok, degraded, down
    }

    func providers(now: UInt64) -> [ProviderView] {
        runtime.config.providers.filter { $0.enabled && runtime.adapters[$0.name] != nil }.map { provider in
            let entries = runtime.registry.entries(ofProvider: provider.name)
            let states = entries.map { $0.health.breakerAvailability(now: now) }
            let circuit: String
            if entries.isEmpty || states.contains(.closed) {
                circuit = "closed"
            } else if states.contains(.trialAvailable) {
                circuit = "half_open"
            } else {
                circuit = entries.map(\.health.breakerState.name).contains("half_open") ? "half_open" : "open"
            }
            let probe = runtime.registry.lastProbe(provider: provider.name)
            let probeOK = probe?.ok ?? true
            return ProviderView(
                name: provider.name,
                healthy: circuit != "open" && probeOK,
                circuit: circuit,
                stats: Self.merged(entries.map(\.health.ring), now: now),
                inFlight: entries.reduce(0) { $0 + $1.health.inFlight },
                lastProbe: probe
            )
        }
    }

    static func status(of providers: [ProviderView]) -> Status {
        let healthy = providers.filter(\.healthy).count
        if healthy == 0 { return .down }
        return healthy == providers.count ? .ok : .degraded
    }

    func json() -> (Status, String) {
        let now = MonotonicTime.nowNanos()
        let views = providers(now: now)
        let status = Self.status(of: views)
        var out = #"{"status":""# + status.rawValue + #"","providers":["#
        out += views.map(Self.render).joined(separator: ",")
        out += #"],"routes":["#
        out += routes(now: now, healthy: Set(views.filter(\.healthy).map(\.name))).joined(separator: ",")
        out += "]}"
        return (status, out)
    }

    private func routes(now: UInt64, healthy: Set<String>) -> [String] {
        runtime.resolver.publicNames.compactMap { name -> String? in
            guard let plan = runtime.resolver.resolve(name) else { return nil }
            let picker = runtime.planner.picker(for: plan)
            let candidates = picker.candidates(now: now)
            let sla = UInt64(plan.slaMs) * 1_000_000
            let eligible = zip(plan.deployments, candidates).filter { deployment, candidate in
                candidate.snapshot.breaker != .unavailable && healthy.contains(deployment.provider)
                    && (candidate.snapshot.expectedLatency(stream: false).map { $0 <= sla } ?? true)
            }.map { JSONString.encode($0.0.id) }
            return #"{"name":"# + JSONString.encode(name) + #","sla_ms":\#(plan.slaMs),"eligible":["# + eligible.joined(separator: ",") + "]}"
        }
    }

    static func render(_ view: ProviderView) -> String {
        let s = view.stats
        var out = #"{"name":"# + JSONString.encode(view.name)
        out += #","healthy":\#(view.healthy),"circuit":"\#(view.circuit)""#
        out += #","latency_ms":{"p50":\#(ms(s.latencyP50)),"p95":\#(ms(s.latencyP95)),"p99":\#(ms(s.latencyP99))}"#
        out += #","ttft_ms":{"p50":\#(ms(s.ttftP50)),"p95":\#(ms(s.ttftP95))}"#
        out += #","error_rate":\#(number(s.errorRate)),"in_flight":\#(view.inFlight),"last_probe":"#
        if let probe = view.lastProbe {
            let at = ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: probe.at))
            out += #"{"at":"\#(at)","ok":\#(probe.ok),"status":"# + JSONString.encode(probe.status)
            out += #","latency_ms":\#(number(probe.latencyMs))}"#
        } else {
            out += "null"
        }
        return out + "}"
    }

    /// Milliseconds with up to 3 decimals, or null.
    static func ms(_ nanos: UInt64?) -> String {
        guard let nanos else { return "null" }
        return number(Double(nanos) / 1_000_000)
    }

    static func number(_ value: Double) -> String {
        guard value.isFinite else { return "null" }
        return String(format: "%.3f", value).replacingOccurrences(of: #"\.?0+$"#, with: "", options: .regularExpression)
    }

    /// Stats over the samples of several rings together (a provider's deployments).
    static func merged(_ rings: [SampleRing], now: UInt64) -> HealthStats {
        if rings.count == 1, let only = rings.first { return only.stats(now: now) }
        let window = SampleRing.defaultWindow
        var latencies: [UInt64] = []
        var ttfts: [UInt64] = []
        var total = 0, ok = 0, limited = 0, failed = 0
        var newest: UInt64?
        for ring in rings {
            ring.forEachSample { sample in
                newest = max(newest ?? 0, sample.timestamp)
                guard sample.timestamp + window >= now else { return }
                total += 1
                switch sample.outcome {
                case .ok:
                    ok += 1
                    latencies.append(sample.latency)
                case .rateLimited: limited += 1
                default: failed += 1
                }
                if let ttft = sample.timeToFirstToken { ttfts.append(ttft) }
            }
        }
        latencies.sort()
        ttfts.sort()
        func p(_ q: Double, _ values: [UInt64]) -> UInt64? {
            values.withUnsafeBufferPointer { SampleRing.percentile(q, ofSorted: $0) }
        }
        var stats = HealthStats()
        stats.sampleCount = total
        stats.okCount = ok
        stats.rateLimitedCount = limited
        stats.failureCount = failed
        stats.latencyP50 = p(0.5, latencies)
        stats.latencyP95 = p(0.95, latencies)
        stats.latencyP99 = p(0.99, latencies)
        stats.ttftP50 = p(0.5, ttfts)
        stats.ttftP95 = p(0.95, ttfts)
        stats.errorRate = total == 0 ? 0 : Double(total - ok) / Double(total)
        stats.lastSampleAt = newest
        return stats
    }
}
