/// Why one attempt at one deployment failed, classified once at the adapter boundary
/// (providers.md §8.1). The router looks only at `kind` (and `retryAfterSeconds`).
public struct UpstreamFailure: Error, Sendable, Equatable {
    /// The failure classes the router distinguishes.
    public enum Kind: String, Sendable, Equatable {
        case rateLimited = "rate_limited"
        case quotaExhausted = "quota_exhausted"
        case overloaded
        case serverError = "server_error"
        case timeout
        case connect
        case contextLength = "context_length"
        case invalidRequest = "invalid_request"
        case contentFiltered = "content_filtered"
        case tooLarge = "too_large"
        case upstreamAuth = "upstream_auth"
        case upstreamNotFound = "upstream_not_found"
        /// The upstream answered 200 but the body or stream could not be understood.
        case malformedResponse = "malformed_response"
    }

    public var kind: Kind
    /// The upstream HTTP status, when there was one.
    public var status: Int?
    /// The upstream's own message, already free of keys and URLs.
    public var message: String
    /// The upstream's error code (`context_length_exceeded`, ...), when it sent one.
    public var code: String?
    /// The upstream's `param`, when it sent one.
    public var param: String?
    /// Cool-down the upstream asked for (`retry-after`), in seconds.
    public var retryAfterSeconds: Double?

    public init(
        kind: Kind,
        status: Int? = nil,
        message: String,
        code: String? = nil,
        param: String? = nil,
        retryAfterSeconds: Double? = nil
    ) {
        self.kind = kind
        self.status = status
        self.message = message
        self.code = code
        self.param = param
        self.retryAfterSeconds = retryAfterSeconds
    }

    /// Whether the route's `retry_on` allows trying another deployment after this failure.
    public func isRetryable(under retryOn: Set<RetryCondition>) -> Bool {
        switch kind {
        case .rateLimited, .quotaExhausted: retryOn.contains(.rateLimited)
        case .overloaded, .serverError, .malformedResponse: retryOn.contains(.serverError)
        case .timeout: retryOn.contains(.timeout)
        case .connect: retryOn.contains(.connect)
        // A credential or deployment problem on one account: another account may serve.
        case .upstreamAuth, .upstreamNotFound: true
        // The request itself is the problem (context length is handled by the router).
        case .contextLength, .invalidRequest, .contentFiltered, .tooLarge: false
        }
    }

    /// Whether the failure says something about the deployment's health (vs the request).
    public var countsAgainstHealth: Bool {
        switch kind {
        case .contextLength, .invalidRequest, .contentFiltered, .tooLarge: false
        default: true
        }
    }

    /// Whether the client should be told the upstream's own reason (4xx about the request).
    public var isClientError: Bool {
        switch kind {
        case .contextLength, .invalidRequest, .contentFiltered, .tooLarge: true
        default: false
        }
    }

    /// A short label for this status in an attempts list: the HTTP status or the class.
    public var statusLabel: String {
        if let status { return String(status) }
        return kind.rawValue
    }
}
