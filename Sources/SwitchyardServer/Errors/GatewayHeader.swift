import HTTPTypes

/// Header names the gateway reads and writes (SPEC §3), created once.
enum GatewayHeader {
    static let requestID = name("x-request-id")
    static let provider = name("x-switchyard-provider")
    static let model = name("x-switchyard-model")
    static let route = name("x-switchyard-route")
    static let attempts = name("x-switchyard-attempts")
    static let costUSD = name("x-switchyard-cost-usd")
    static let overheadMs = name("x-switchyard-overhead-ms")
    static let slaMs = name("x-switchyard-sla-ms")
    static let shouldRetry = name("x-should-retry")
    static let apiKey = name("x-api-key")

    /// Builds a name from a constant literal; every literal above is a valid token.
    private static func name(_ literal: String) -> HTTPField.Name {
        guard let name = HTTPField.Name(literal) else {
            preconditionFailure("invalid constant header name \(literal)")
        }
        return name
    }
}
