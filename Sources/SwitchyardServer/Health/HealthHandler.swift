import Hummingbird
import NIOCore
import SwitchyardCore

/// `/health`, `/health/live` and `/health/ready`: served from memory, never touching a
/// provider, never needing a key.
struct HealthHandler: Sendable {
    let runtime: GatewayRuntime

    private static let okBody = ByteBuffer(string: #"{"status":"ok"}"#)

    func live() -> Response {
        Response(status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: Self.okBody))
    }

    /// Ready once the config is loaded and at least one provider is healthy.
    func ready() -> Response {
        let report = HealthReport(runtime: runtime)
        let healthy = report.providers(now: MonotonicTime.nowNanos()).filter(\.healthy).map(\.name)
        let body: String
        if healthy.isEmpty {
            body = #"{"status":"not_ready","reason":"no healthy provider"}"#
        } else {
            body = #"{"status":"ready","healthy_providers":\#(healthy.count)}"#
        }
        return Response(
            status: healthy.isEmpty ? .serviceUnavailable : .ok,
            headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: body))
        )
    }

    /// 200 when ok or degraded, 503 when down.
    func full() -> Response {
        let (status, body) = HealthReport(runtime: runtime).json()
        return Response(
            status: status == .down ? .serviceUnavailable : .ok,
            headers: [.contentType: "application/json", .cacheControl: "no-store"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: body))
        )
    }
}
