extension UpstreamFailure {
    /// The outcome to record as a health sample, or nil when the failure is about the
    /// request rather than the deployment (no sample should be written).
    public var healthOutcome: UpstreamOutcome? {
        switch kind {
        case .rateLimited, .quotaExhausted: .rateLimited
        case .overloaded, .serverError, .malformedResponse, .upstreamAuth, .upstreamNotFound: .error
        case .timeout: .timeout
        case .connect: .connect
        case .contextLength, .invalidRequest, .contentFiltered, .tooLarge: nil
        }
    }

    /// What the circuit breaker should hear about this failure. A refusal of the request
    /// itself proves the upstream is up, so it counts as a success (and settles a trial).
    public var breakerEvent: CircuitBreaker.Event {
        switch kind {
        case .rateLimited, .quotaExhausted: .rateLimited(retryAfter: retryAfterNanoseconds)
        case .overloaded, .serverError, .malformedResponse, .timeout, .connect: .failure
        case .upstreamAuth, .upstreamNotFound: .authOrNotFound
        case .contextLength, .invalidRequest, .contentFiltered, .tooLarge: .success
        }
    }

    /// `retryAfterSeconds` in nanoseconds; nil when absent or not a sane value (negative,
    /// not finite). Capped at one day.
    public var retryAfterNanoseconds: UInt64? {
        guard let seconds = retryAfterSeconds, seconds.isFinite, seconds >= 0 else { return nil }
        return UInt64(min(seconds, 86_400) * 1_000_000_000)
    }
}
