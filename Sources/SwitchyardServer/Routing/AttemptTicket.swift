import Synchronization
import SwitchyardCore

/// One attempt at one deployment, from the moment it was allowed to go until its outcome
/// is known. Reports exactly once to the deployment's health (sample + breaker verdict)
/// and keeps the in-flight count right, whoever finishes it.
final class AttemptTicket: Sendable {
    let deployment: Deployment
    let health: DeploymentHealth
    /// Monotonic nanoseconds when the attempt started.
    let started: UInt64
    /// Where the outcome is counted and breaker changes are logged.
    let telemetry: AttemptTelemetry?
    private let finished = Atomic<Bool>(false)
    private let firstByteAt = Atomic<UInt64>(0)

    init(
        deployment: Deployment,
        health: DeploymentHealth,
        now: UInt64 = MonotonicTime.nowNanos(),
        telemetry: AttemptTelemetry? = nil
    ) {
        self.deployment = deployment
        self.health = health
        self.started = now
        self.telemetry = telemetry
        health.beginAttempt()
    }

    /// Marks the arrival of the first byte (streams): the time to first token.
    func markFirstByte(now: UInt64 = MonotonicTime.nowNanos()) {
        firstByteAt.store(now, ordering: .relaxed)
    }

    /// Time to first byte so far, when marked.
    var timeToFirstByte: UInt64? {
        let first = firstByteAt.load(ordering: .relaxed)
        return first == 0 ? nil : first &- started
    }

    /// The attempt answered.
    func succeed(now: UInt64 = MonotonicTime.nowNanos()) {
        guard claim() else { return }
        let sample = HealthSample(latency: now &- started, timeToFirstToken: timeToFirstByte, outcome: .ok, timestamp: now)
        let transition = health.report(sample)
        telemetry?.settled(deployment, outcome: .ok)
        telemetry?.breaker(deployment, transition)
    }

    /// The attempt failed; the failure decides what the deployment's health hears.
    func fail(_ failure: UpstreamFailure, now: UInt64 = MonotonicTime.nowNanos()) {
        guard claim() else { return }
        if let outcome = failure.healthOutcome {
            health.record(HealthSample(latency: now &- started, timeToFirstToken: timeToFirstByte, outcome: outcome, timestamp: now))
        }
        let transition = health.recordBreakerEvent(failure.breakerEvent, now: now)
        telemetry?.settled(deployment, outcome: failure.attemptOutcome)
        telemetry?.breaker(deployment, transition)
    }

    /// The gateway abandoned the attempt (a hedge lost, the client left, the SLA ran out
    /// elsewhere): no verdict on the deployment.
    func cancel(now: UInt64 = MonotonicTime.nowNanos()) {
        guard claim() else { return }
        telemetry?.breaker(deployment, health.recordBreakerEvent(.cancelled, now: now))
    }

    private func claim() -> Bool {
        guard finished.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged else {
            return false
        }
        health.endAttempt()
        return true
    }

    deinit {
        // A ticket dropped without a verdict must not leave the in-flight count raised.
        if !finished.load(ordering: .relaxed) {
            health.endAttempt()
            _ = health.recordBreakerEvent(.cancelled, now: MonotonicTime.nowNanos())
        }
    }
}
