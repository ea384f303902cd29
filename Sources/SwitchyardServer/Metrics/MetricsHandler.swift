import Hummingbird
import NIOCore
import SwitchyardCore

/// `GET /metrics`: the Prometheus text exposition (SPEC §5). Like `/health` it needs no
/// key and never touches a provider; provider gauges are read from memory when scraped.
struct MetricsHandler: Sendable {
    let runtime: GatewayRuntime

    static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    func scrape() -> Response {
        let views = HealthReport(runtime: runtime).providers(now: MonotonicTime.nowNanos())
        let bytes = runtime.telemetry.metrics.exposition(views)
        return Response(
            status: .ok,
            headers: [.contentType: Self.contentType, .cacheControl: "no-store"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes))
        )
    }
}
