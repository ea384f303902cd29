import HTTPTypes
import SwitchyardCore

/// The headers every proxied answer carries (SPEC §3).
enum ResponseHeaders {
    static func proxied(
        requestID: String,
        plan: RoutePlan,
        deployment: Deployment,
        attempts: Int,
        overhead: Duration,
        contentType: String
    ) -> HTTPFields {
        var headers = HTTPFields()
        headers.reserveCapacity(8)
        headers[.contentType] = contentType
        headers[GatewayHeader.requestID] = requestID
        headers[GatewayHeader.provider] = deployment.provider
        headers[GatewayHeader.model] = deployment.model
        headers[GatewayHeader.route] = plan.name
        headers[GatewayHeader.attempts] = String(attempts)
        headers[GatewayHeader.overheadMs] = formatMilliseconds(overhead)
        return headers
    }

    /// Milliseconds with three decimals, never negative.
    static func formatMilliseconds(_ duration: Duration) -> String {
        let micros = max(0, duration.nanoseconds / 1_000)
        let whole = micros / 1_000
        let fraction = micros % 1_000
        let padded = fraction < 10 ? "00\(fraction)" : fraction < 100 ? "0\(fraction)" : "\(fraction)"
        return "\(whole).\(padded)"
    }

    /// Just the request id, for errors.
    static func errorHeaders(requestID: String, route: String? = nil) -> HTTPFields {
        var headers = HTTPFields()
        headers[GatewayHeader.requestID] = requestID
        if let route { headers[GatewayHeader.route] = route }
        return headers
    }
}
