import Prometheus
import SwitchyardCore

extension GatewayMetrics {
    /// The circuit states `switchyard_provider_circuit_state` reports.
    static let circuitStates = ["closed", "open", "half_open"]

    /// Sets the provider gauges from the health views `/health` shows, read from the
    /// deployments' ring buffers at scrape time (never on the request path). A percentile
    /// with no recent samples is NaN, so graphs show a gap rather than a false zero.
    func refreshProviderGauges(_ views: [HealthReport.ProviderView]) {
        for view in views {
            let provider = view.name
            gauge(MetricName.providerHealthy, [("provider", provider)]).set(to: view.healthy ? 1 : 0)
            let stats = view.stats
            let quantiles: [(String, UInt64?)] = [
                ("0.5", stats.latencyP50), ("0.95", stats.latencyP95), ("0.99", stats.latencyP99),
            ]
            for (quantile, nanos) in quantiles {
                gauge(MetricName.providerLatency, [("provider", provider), ("quantile", quantile)])
                    .set(to: nanos.map { Double($0) / 1e9 } ?? .nan)
            }
            gauge(MetricName.providerErrorRate, [("provider", provider)]).set(to: stats.errorRate)
            gauge(MetricName.inFlight, [("provider", provider)]).set(to: Double(view.inFlight))
            for state in Self.circuitStates {
                gauge(MetricName.providerCircuit, [("provider", provider), ("state", state)])
                    .set(to: view.circuit == state ? 1 : 0)
            }
        }
    }

    /// The Prometheus text of every metric, gauges refreshed first.
    func exposition(_ views: [HealthReport.ProviderView]) -> [UInt8] {
        refreshProviderGauges(views)
        return registry.emitToBuffer()
    }

    private func gauge(_ name: String, _ labels: [(String, String)]) -> Gauge {
        gauges[Labeled(first: name, second: Self.encodeGaugeLabels(labels))]
    }
}
