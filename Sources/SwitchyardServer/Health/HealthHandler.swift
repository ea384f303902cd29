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

    /// Ready once the config is loaded and at least one provider can be used.
    func ready() -> Response {
        let ready = !runtime.adapters.isEmpty
        let body = ready ? #"{"status":"ready"}"# : #"{"status":"not_ready","reason":"no usable provider"}"#
        return Response(
            status: ready ? .ok : .serviceUnavailable,
            headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: body))
        )
    }

    func full() -> Response {
        let providers = runtime.config.providers.filter(\.enabled).map { provider in
            let usable = runtime.adapters[provider.name] != nil
            return #"{"name":"# + JSONString.encode(provider.name) + #","healthy":"# + (usable ? "true" : "false") + "}"
        }
        let status = runtime.adapters.isEmpty ? "down" : "ok"
        let body = #"{"status":""# + status + #"","providers":["# + providers.joined(separator: ",") + "]}"
        return Response(
            status: status == "down" ? .serviceUnavailable : .ok,
            headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: body))
        )
    }
}
