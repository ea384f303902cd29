extension CircuitBreaker {
    /// Where the circuit is.
    public enum State: Sendable, Equatable {
        /// Traffic flows; counts consecutive failures.
        case closed(consecutiveFailures: Int)
        /// No traffic until the instant `until` (nanoseconds).
        case open(until: UInt64)
        /// One trial decides; `trialInFlight` says whether it has been handed out.
        case halfOpen(trialInFlight: Bool)

        /// The state's name as shown by `/health`: `closed`, `open` or `half_open`.
        public var name: String {
            switch self {
            case .closed: "closed"
            case .open: "open"
            case .halfOpen: "half_open"
            }
        }
    }

    /// The answer of `permit(now:)`.
    public enum Permit: Sendable, Equatable {
        /// The circuit is closed: go.
        case granted
        /// Go as the single half-open trial; report its result.
        case trial
        /// Do not send; a trial may be available from `retryAt` on.
        case denied(retryAt: UInt64)

        /// Whether an attempt may be sent.
        public var allowsAttempt: Bool {
            switch self {
            case .granted, .trial: true
            case .denied: false
            }
        }
    }

    /// A state change caused by an event, for logs and metrics.
    public struct Transition: Sendable, Equatable {
        /// The state before the event.
        public var from: State
        /// The state after the event.
        public var to: State
    }

    /// Whether a scheduler may pick the deployment, without consuming a trial.
    public enum Availability: Sendable, Equatable {
        /// Closed: available.
        case closed
        /// Open past its deadline or half-open without a trial out: one trial may go.
        case trialAvailable
        /// Open, or a trial is in flight.
        case unavailable
    }

    /// An outcome reported to the breaker.
    public enum Event: Sendable, Equatable {
        /// The upstream answered.
        case success
        /// A server error, timeout or connect failure.
        case failure
        /// A 429; `retryAfter` (nanoseconds) when the upstream said how long to wait.
        case rateLimited(retryAfter: UInt64?)
        /// 401/403/404 from the upstream: a key or model problem, long cool-down.
        case authOrNotFound
        /// The attempt was abandoned (client gone, hedge lost) without a verdict.
        case cancelled
    }
}
