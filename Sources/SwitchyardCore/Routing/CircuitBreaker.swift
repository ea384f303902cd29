/// A deployment's circuit breaker as a pure state machine: events in, decisions out.
///
/// Closed → open after `failureThreshold` consecutive failures, at once on a 429 with
/// `retry-after` (honoured as the minimum open time) or on 401/403/404. Once the open time
/// has passed, `permit(now:)` moves to half-open and grants exactly one trial; the trial's
/// success closes the circuit, its failure re-opens it for a longer cool-down (multiplied
/// by `backoffMultiplier` up to `maxOpenDuration`). All time is passed in as nanoseconds.
///
/// A verdict arriving while half-open decides the trial whoever sent it; report
/// `.cancelled` only for an attempt that was granted `.trial`. Verdicts arriving while
/// open (answers to attempts sent before it opened) are ignored, except ones that open it
/// for longer. An active probe may test a circuit that failures opened: its success ends
/// the cool-down early (`recordProbeRecovery(now:)`), so a recovered upstream is not
/// shunned for the rest of a long, backed-off cool-down.
public struct CircuitBreaker: Sendable, Equatable {
    /// The thresholds and cool-downs in use.
    public let configuration: Configuration
    /// The current state.
    public private(set) var state: State
    /// The open time the next failed trial starts from.
    private var coolDown: UInt64
    /// When the current half-open trial was handed out.
    private var trialStartedAt: UInt64 = 0
    /// Whether failures (not a rate limit or an auth answer, which name their own wait)
    /// opened the circuit; only then may a probe end the cool-down early.
    private var openedByFailures = false

    /// Creates a closed breaker.
    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
        self.state = .closed(consecutiveFailures: 0)
        self.coolDown = configuration.openDuration
    }

    /// Asks whether an attempt may go now; may move open → half-open and hand out the trial.
    public mutating func permit(now: UInt64) -> Permit {
        switch state {
        case .closed:
            return .granted
        case .open(let until):
            guard now >= until else { return .denied(retryAt: until) }
            return grantTrial(now: now)
        case .halfOpen(let trialInFlight):
            let expiry = trialStartedAt &+ configuration.trialTimeout
            if trialInFlight && now < expiry { return .denied(retryAt: expiry) }
            return grantTrial(now: now)
        }
    }

    private mutating func grantTrial(now: UInt64) -> Permit {
        state = .halfOpen(trialInFlight: true)
        trialStartedAt = now
        return .trial
    }

    /// Whether a scheduler may pick this deployment now; does not hand out the trial.
    public func availability(now: UInt64) -> Availability {
        guard let from = trialAvailableAt else { return .closed }
        return now >= from ? .trialAvailable : .unavailable
    }

    /// Nil when closed; otherwise the instant from which a trial may be granted.
    public var trialAvailableAt: UInt64? {
        switch state {
        case .closed: nil
        case .open(let until): until
        case .halfOpen(let trialInFlight): trialInFlight ? trialStartedAt &+ configuration.trialTimeout : 0
        }
    }

    /// Feeds one event; returns the transition when the state's name changed.
    @discardableResult
    public mutating func record(_ event: Event, now: UInt64) -> Transition? {
        switch event {
        case .success: recordSuccess(now: now)
        case .failure: recordFailure(now: now)
        case .rateLimited(let retryAfter): recordRateLimited(retryAfter: retryAfter, now: now)
        case .authOrNotFound: recordUpstreamAuthOrNotFound(now: now)
        case .cancelled: recordCancelled(now: now)
        }
    }

    /// An attempt succeeded: resets the failure count, or closes a half-open circuit.
    @discardableResult
    public mutating func recordSuccess(now: UInt64) -> Transition? {
        let before = state
        switch state {
        case .closed:
            state = .closed(consecutiveFailures: 0)
        case .open:
            break
        case .halfOpen:
            state = .closed(consecutiveFailures: 0)
            coolDown = configuration.openDuration
        }
        return transition(from: before)
    }

    /// An attempt failed (5xx, timeout, connect): counts it, opening at the threshold; a
    /// half-open trial's failure re-opens with a longer cool-down.
    @discardableResult
    public mutating func recordFailure(now: UInt64) -> Transition? {
        let before = state
        switch state {
        case .closed(let failures):
            if failures + 1 >= configuration.failureThreshold {
                state = .open(until: Self.adding(now, coolDown))
                openedByFailures = true
            } else {
                state = .closed(consecutiveFailures: failures + 1)
            }
        case .open:
            break
        case .halfOpen:
            let grown = coolDown.multipliedReportingOverflow(by: configuration.backoffMultiplier)
            coolDown =
                grown.overflow ? configuration.maxOpenDuration : min(grown.partialValue, configuration.maxOpenDuration)
            state = .open(until: Self.adding(now, coolDown))
            openedByFailures = true
        }
        return transition(from: before)
    }

    /// Whether an active probe may test the upstream now although the circuit is open:
    /// true only while failures hold it open.
    public var probeMayTestWhileOpen: Bool {
        if case .open = state { return openedByFailures }
        return false
    }

    /// An active probe succeeded while failures held the circuit open: the cool-down ends
    /// now and one trial may go (half-open), as if it had run out. The trial's verdict
    /// then decides as usual, so a failing trial re-opens with the grown cool-down.
    @discardableResult
    public mutating func recordProbeRecovery(now: UInt64) -> Transition? {
        let before = state
        if probeMayTestWhileOpen {
            state = .halfOpen(trialInFlight: false)
        }
        return transition(from: before)
    }

    /// A 429: with `retryAfter` (nanoseconds) opens at once for at least that long (and at
    /// least `minimumRateLimitOpen`); without it, counts as a failure.
    @discardableResult
    public mutating func recordRateLimited(retryAfter: UInt64?, now: UInt64) -> Transition? {
        guard let retryAfter else { return recordFailure(now: now) }
        return openAtLeast(for: max(retryAfter, configuration.minimumRateLimitOpen), now: now)
    }

    /// 401/403/404 from the upstream: opens for the long `authOrNotFoundOpenDuration`.
    @discardableResult
    public mutating func recordUpstreamAuthOrNotFound(now: UInt64) -> Transition? {
        openAtLeast(for: configuration.authOrNotFoundOpenDuration, now: now)
    }

    /// The half-open trial was abandoned without a verdict: the trial is available again.
    @discardableResult
    public mutating func recordCancelled(now: UInt64) -> Transition? {
        let before = state
        if case .halfOpen(true) = state {
            state = .halfOpen(trialInFlight: false)
        }
        return transition(from: before)
    }

    private mutating func openAtLeast(for duration: UInt64, now: UInt64) -> Transition? {
        let before = state
        var until = Self.adding(now, duration)
        if case .open(let current) = state { until = max(until, current) }
        state = .open(until: until)
        openedByFailures = false
        return transition(from: before)
    }

    private static func adding(_ instant: UInt64, _ duration: UInt64) -> UInt64 {
        let (sum, overflow) = instant.addingReportingOverflow(duration)
        return overflow ? UInt64.max : sum
    }

    private func transition(from before: State) -> Transition? {
        before.name == state.name ? nil : Transition(from: before, to: state)
    }
}
