import Foundation
import Logging
import Metrics
import Prometheus
import SwitchyardServer

/// Sets up the process-wide logging and metrics backends; the only place that does.
enum LogBootstrap {
    /// JSON lines on standard error at `level` (trace ... critical; unknown names mean info).
    static func bootstrap(level: String) -> Logger {
        let logLevel = Logger.Level(rawValue: level.lowercased()) ?? .info
        LoggingSystem.bootstrap { label in
            JSONLogHandler(label: label, level: logLevel)
        }
        var logger = Logger(label: "switchyard")
        logger.logLevel = logLevel
        return logger
    }

    /// The gateway's metrics, with swift-metrics bootstrapped onto the same Prometheus
    /// registry so metrics of any library using swift-metrics appear on `/metrics` too.
    static func bootstrapMetrics() -> GatewayMetrics {
        let metrics = GatewayMetrics()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: metrics.registry))
        return metrics
    }
}
