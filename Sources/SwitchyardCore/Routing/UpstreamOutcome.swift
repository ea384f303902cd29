/// How one upstream attempt (a real request or a probe) ended, as recorded in health data.
public enum UpstreamOutcome: UInt8, Sendable, Hashable, CaseIterable {
    /// The upstream answered successfully.
    case ok = 0
    /// The upstream answered 429 (rate limited).
    case rateLimited = 1
    /// The upstream answered with a server error or an unusable response.
    case error = 2
    /// The attempt ran out of time before an answer (or first token).
    case timeout = 3
    /// The connection could not be established.
    case connect = 4

    /// Whether the outcome counts as a success for error rates.
    public var isSuccess: Bool { self == .ok }

    /// A bounded label for logs and metrics.
    public var name: String {
        switch self {
        case .ok: "ok"
        case .rateLimited: "rate_limited"
        case .error: "error"
        case .timeout: "timeout"
        case .connect: "connect"
        }
    }
}
