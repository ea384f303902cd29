import Synchronization

/// Everything the gateway knows about one deployment's health: recent samples, moving
/// averages, in-flight attempts and the circuit breaker.
///
/// Recording a sample and counting attempts are lock-free (atomics only). The breaker
/// lives in a `Mutex`; every change is mirrored into one atomic word, so `snapshot(now:)` —
/// what the scheduler reads — takes no lock, and neither do an attempt's permit and its
/// success while the circuit is closed with no failure counted: the mirror answers both,
/// since they change nothing then. Only failures and an open circuit take the lock.
public final class DeploymentHealth: Sendable {
    /// The settings in use.
    public let configuration: Configuration
    /// The recent samples, for percentiles and `/health`.
    public let ring: SampleRing
    private let inFlightCount = Atomic<Int>(0)
    private let latencyWord = Atomic<UInt64>(0)
    private let ttftWord = Atomic<UInt64>(0)
    private let errorRateBits = Atomic<UInt64>(0)
    private let newestSample = Atomic<UInt64>(0)
    private let breaker: Mutex<CircuitBreaker>
    /// Bit 0 set: closed, and bit 1 set when it counts consecutive failures. Otherwise
    /// bits 1-63 hold the instant a trial becomes available.
    private let breakerMirror = Atomic<UInt64>(DeploymentHealth.closedClean)
    /// The mirror of a closed breaker that counts no failure.
    private static let closedClean: UInt64 = 1

    /// Creates health data for a deployment with no history.
    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
        self.ring = SampleRing(capacity: configuration.ringCapacity)
        self.breaker = Mutex(CircuitBreaker(configuration: configuration.breaker))
    }

    // MARK: In-flight attempts

    /// Counts an attempt as started; pair with `endAttempt()`.
    public func beginAttempt() {
        inFlightCount.wrappingAdd(1, ordering: .relaxed)
    }

    /// Counts an attempt as finished.
    public func endAttempt() {
        inFlightCount.wrappingSubtract(1, ordering: .relaxed)
    }

    /// Attempts currently in flight.
    public var inFlight: Int { max(inFlightCount.load(ordering: .relaxed), 0) }

    // MARK: Samples

    /// Records a sample in the ring and the moving averages. Lock-free, allocation-free.
    public func record(_ sample: HealthSample) {
        let previous = newestSample.load(ordering: .relaxed)
        let reset = sample.timestamp > previous && sample.timestamp - previous > configuration.resetAfter
        ring.record(sample)
        raiseNewest(to: sample.timestamp)
        let tau = configuration.latencyDecay
        switch sample.outcome {
        case .ok:
            update(latencyWord) {
                PeakEWMA.updated($0, sample: sample.latency, now: sample.timestamp, tau: tau, reset: reset)
            }
        case .timeout:
            update(latencyWord) {
                PeakEWMA.updated(
                    $0,
                    sample: sample.latency,
                    now: sample.timestamp,
                    tau: tau,
                    peakOnly: true,
                    reset: reset
                )
            }
            if sample.timeToFirstToken == nil {
                // A stream that timed out before its first token: TTFT is at least that long.
                update(ttftWord) { word in
                    guard PeakEWMA.value(of: word) != nil else { return word }
                    return PeakEWMA.updated(
                        word,
                        sample: sample.latency,
                        now: sample.timestamp,
                        tau: tau,
                        peakOnly: true
                    )
                }
            }
        case .rateLimited, .error, .connect:
            break
        }
        if let ttft = sample.timeToFirstToken {
            update(ttftWord) { PeakEWMA.updated($0, sample: ttft, now: sample.timestamp, tau: tau, reset: reset) }
        }
        let failed: Double = sample.outcome.isSuccess ? 0 : 1
        let alpha = configuration.errorSmoothing
        update(errorRateBits) {
            let rate = Double(bitPattern: $0)
            return (rate + alpha * (failed - rate)).bitPattern
        }
    }

    /// Summarises the ring's samples of the last `window` nanoseconds.
    public func stats(now: UInt64, window: UInt64 = SampleRing.defaultWindow) -> HealthStats {
        ring.stats(now: now, window: window)
    }

    // MARK: Breaker

    /// Asks the breaker whether an attempt may go; may hand out the half-open trial.
    public func acquirePermit(now: UInt64) -> CircuitBreaker.Permit {
        // A closed breaker grants without changing: the mirror answers, no lock. A change
        // being made under the lock right now is not yet mirrored; this permit then simply
        // comes before it.
        if breakerMirror.load(ordering: .acquiring) & 1 == 1 { return .granted }
        return breaker.withLock { breaker in
            let permit = breaker.permit(now: now)
            publish(breaker)
            return permit
        }
    }

    /// Feeds a verdict to the breaker; returns the transition when its state changed.
    @discardableResult
    public func recordBreakerEvent(_ event: CircuitBreaker.Event, now: UInt64) -> CircuitBreaker.Transition? {
        // A success to a closed breaker with no failure counted changes nothing: no lock.
        if case .success = event, breakerMirror.load(ordering: .acquiring) == Self.closedClean { return nil }
        return breaker.withLock { breaker in
            let transition = breaker.record(event, now: now)
            publish(breaker)
            return transition
        }
    }

    /// Whether an active probe may test the upstream although the breaker is open
    /// (failures opened it, not a rate limit).
    public var probeMayTestWhileOpen: Bool {
        breaker.withLock { $0.probeMayTestWhileOpen }
    }

    /// A probe succeeded while failures held the breaker open: ends the cool-down early.
    @discardableResult
    public func recordProbeRecovery(now: UInt64) -> CircuitBreaker.Transition? {
        breaker.withLock { breaker in
            let transition = breaker.recordProbeRecovery(now: now)
            publish(breaker)
            return transition
        }
    }

    /// Records a sample and feeds the breaker the matching verdict (ok → success,
    /// rate-limited → rate-limited with `retryAfter` nanoseconds, others → failure).
    @discardableResult
    public func report(_ sample: HealthSample, retryAfter: UInt64? = nil) -> CircuitBreaker.Transition? {
        record(sample)
        let event: CircuitBreaker.Event
        switch sample.outcome {
        case .ok: event = .success
        case .rateLimited: event = .rateLimited(retryAfter: retryAfter)
        case .error, .timeout, .connect: event = .failure
        }
        return recordBreakerEvent(event, now: sample.timestamp)
    }

    /// The breaker's current state (takes the breaker's lock; for `/health`).
    public var breakerState: CircuitBreaker.State {
        breaker.withLock { $0.state }
    }

    // MARK: Snapshot

    /// A lock-free copy of what the scheduler needs.
    public func snapshot(now: UInt64) -> DeploymentSnapshot {
        let count = ring.recordedCount
        return DeploymentSnapshot(
            latency: PeakEWMA.value(of: latencyWord.load(ordering: .relaxed)),
            timeToFirstToken: PeakEWMA.value(of: ttftWord.load(ordering: .relaxed)),
            errorRate: Double(bitPattern: errorRateBits.load(ordering: .relaxed)),
            inFlight: inFlight,
            sampleCount: count,
            lastSampleAt: count == 0 ? nil : newestSample.load(ordering: .relaxed),
            breaker: breakerAvailability(now: now)
        )
    }

    /// Whether the breaker lets the deployment be picked, from the lock-free mirror.
    public func breakerAvailability(now: UInt64) -> CircuitBreaker.Availability {
        let mirror = breakerMirror.load(ordering: .acquiring)
        if mirror & 1 == 1 { return .closed }
        return now >= mirror >> 1 ? .trialAvailable : .unavailable
    }

    // MARK: Helpers

    private func publish(_ breaker: CircuitBreaker) {
        let word: UInt64
        switch breaker.state {
        case .closed(let failures):
            word = failures == 0 ? Self.closedClean : Self.closedClean | 2
        case .open, .halfOpen:
            word = min(breaker.trialAvailableAt ?? 0, UInt64.max >> 1) << 1
        }
        breakerMirror.store(word, ordering: .releasing)
    }

    private func raiseNewest(to timestamp: UInt64) {
        var current = newestSample.load(ordering: .relaxed)
        while current < timestamp {
            let (exchanged, original) = newestSample.weakCompareExchange(
                expected: current,
                desired: timestamp,
                ordering: .relaxed
            )
            if exchanged { return }
            current = original
        }
    }

    @inline(__always)
    private func update(_ atomic: borrowing Atomic<UInt64>, _ transform: (UInt64) -> UInt64) {
        var current = atomic.load(ordering: .relaxed)
        while true {
            let (exchanged, original) = atomic.weakCompareExchange(
                expected: current,
                desired: transform(current),
                ordering: .relaxed
            )
            if exchanged { return }
            current = original
        }
    }
}
