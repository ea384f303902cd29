import Foundation
import Testing

/// config/grafana/switchyard.json imports: valid JSON, panels with PromQL, and every metric
/// it queries is one the gateway exposes.
@Suite("Grafana dashboard")
struct GrafanaDashboardTests {
    @Test func dashboardIsValidJSONOverExposedMetrics() throws {
        let url = PythonRunner.packageRoot.appendingPathComponent("config/grafana/switchyard.json")
        let data = try Data(contentsOf: url)
        let dashboard = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(dashboard["title"] as? String == "Switchyard")
        #expect(dashboard["schemaVersion"] is Int)
        let panels = try #require(dashboard["panels"] as? [[String: Any]])
        let queries = panels.flatMap { ($0["targets"] as? [[String: Any]] ?? []).compactMap { $0["expr"] as? String } }
        #expect(panels.count >= 10)
        #expect(queries.count >= 20)
        let exposed = Set(MetricsTests.spec.map(\.name) + ["switchyard_provider_circuit_state"])
        var used = Set<String>()
        for query in queries {
            var rest = Substring(query)
            while let start = rest.range(of: "switchyard_") {
                let name = rest[start.lowerBound...].prefix { $0.isLetter || $0.isNumber || $0 == "_" }
                rest = rest[name.endIndex...]
                var base = String(name)
                for suffix in ["_bucket", "_count", "_sum"] where base.hasSuffix(suffix) && !exposed.contains(base) {
                    base = String(base.dropLast(suffix.count))
                }
                #expect(exposed.contains(base), "the dashboard queries \(name), which /metrics does not expose")
                used.insert(base)
            }
        }
        // The newcomer's questions: which provider is slow, what did we spend today.
        #expect(
            queries.contains {
                $0.contains("histogram_quantile(0.95") && $0.contains("switchyard_request_duration_seconds_bucket")
            }
        )
        #expect(queries.contains { $0.contains("histogram_quantile") && $0.contains("switchyard_ttft_seconds_bucket") })
        #expect(queries.contains { $0.contains("increase(switchyard_spend_usd_total") && $0.contains("[1d]") })
        #expect(
            used.isSuperset(of: Set(MetricsTests.spec.map(\.name))),
            "unused: \(Set(MetricsTests.spec.map(\.name)).subtracting(used))"
        )
    }
}
