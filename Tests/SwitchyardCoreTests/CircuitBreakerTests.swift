import Testing

@testable import SwitchyardCore

@Suite("CircuitBreaker state machine")
struct CircuitBreakerTests {
    private let second: UInt64 = 1_000_000_000

    @Test func opensAfterConsecutiveFailuresOnly() {
        var breaker = CircuitBreaker()
        for _ in 0..<4 { #expect(breaker.recordFailure(now: 0) == nil) }
        #expect(breaker.state == .closed(consecutiveFailures: 4))
        breaker.recordSuccess(now: 0)
        #expect(breaker.state == .closed(consecutiveFailures: 0))
        for _ in 0..<4 { breaker.recordFailure(now: 0) }
        let transition = breaker.recordFailure(now: 1 * second)
        #expect(
            transition
                == CircuitBreaker.Transition(from: .closed(consecutiveFailures: 4), to: .open(until: 11 * second))
        )
        #expect(breaker.state.name == "open")
    }

    @Test func openDeniesUntilTheCoolDownThenGrantsExactlyOneTrial() {
        var breaker = CircuitBreaker(configuration: .init(failureThreshold: 1))
        breaker.recordFailure(now: 0)
        #expect(breaker.permit(now: 5 * second) == .denied(retryAt: 10 * second))
        #expect(breaker.availability(now: 5 * second) == .unavailable)
        #expect(breaker.availability(now: 10 * second) == .trialAvailable)
        #expect(breaker.permit(now: 10 * second) == .trial)
        #expect(breaker.state == .halfOpen(trialInFlight: true))
        #expect(breaker.state.name == "half_open")
        #expect(breaker.permit(now: 10 * second) == .denied(retryAt: 70 * second))
        #expect(breaker.availability(now: 11 * second) == .unavailable)
        breaker.recordSuccess(now: 12 * second)
        #expect(breaker.state == .closed(consecutiveFailures: 0))
        #expect(breaker.permit(now: 12 * second) == .granted)
    }

    @Test func failedTrialReopensWithGrowingCoolDownCappedAtMax() {
        let config = CircuitBreaker.Configuration(
            failureThreshold: 1,
            openDuration: 10 * second,
            maxOpenDuration: 30 * second
        )
        var breaker = CircuitBreaker(configuration: config)
        breaker.recordFailure(now: 0)
        #expect(breaker.permit(now: 10 * second) == .trial)
        breaker.recordFailure(now: 10 * second)
        #expect(breaker.state == .open(until: 30 * second))
        #expect(breaker.permit(now: 30 * second) == .trial)
        breaker.recordFailure(now: 30 * second)
        #expect(breaker.state == .open(until: 60 * second))
        #expect(breaker.permit(now: 60 * second) == .trial)
        breaker.recordSuccess(now: 61 * second)
        // After closing, the cool-down starts from the base again.
        breaker.recordFailure(now: 100 * second)
        #expect(breaker.state == .open(until: 110 * second))
    }

    @Test func rateLimitWithRetryAfterOpensAtOnceForAtLeastThatLong() {
        var breaker = CircuitBreaker()
        breaker.recordRateLimited(retryAfter: 30 * second, now: 1 * second)
        #expect(breaker.state == .open(until: 31 * second))
        #expect(breaker.permit(now: 30 * second) == .denied(retryAt: 31 * second))
        // A shorter retry-after never shortens the open time.
        breaker.recordRateLimited(retryAfter: 1 * second, now: 2 * second)
        #expect(breaker.state == .open(until: 31 * second))
        #expect(breaker.permit(now: 31 * second) == .trial)
    }

    @Test func tinyRetryAfterIsRaisedToTheMinimumAndMissingOneCountsAsFailure() {
        var breaker = CircuitBreaker()
        breaker.recordRateLimited(retryAfter: 0, now: 0)
        #expect(breaker.state == .open(until: 1 * second))
        var other = CircuitBreaker()
        other.recordRateLimited(retryAfter: nil, now: 0)
        #expect(other.state == .closed(consecutiveFailures: 1))
    }

    @Test func authOrNotFoundOpensForALongTime() {
        var breaker = CircuitBreaker()
        breaker.recordUpstreamAuthOrNotFound(now: 0)
        #expect(breaker.state == .open(until: 300 * second))
    }

    @Test func lateVerdictsWhileOpenAreIgnored() {
        var breaker = CircuitBreaker(configuration: .init(failureThreshold: 1))
        breaker.recordFailure(now: 0)
        #expect(breaker.recordSuccess(now: 1) == nil)
        #expect(breaker.recordFailure(now: 2) == nil)
        #expect(breaker.state == .open(until: 10 * second))
    }

    @Test func cancelledTrialFreesTheTrialAndLostTrialsExpire() {
        var breaker = CircuitBreaker(configuration: .init(failureThreshold: 1, trialTimeout: 5 * second))
        breaker.recordFailure(now: 0)
        #expect(breaker.permit(now: 10 * second) == .trial)
        breaker.record(.cancelled, now: 11 * second)
        #expect(breaker.state == .halfOpen(trialInFlight: false))
        #expect(breaker.availability(now: 11 * second) == .trialAvailable)
        #expect(breaker.permit(now: 11 * second) == .trial)
        #expect(breaker.permit(now: 15 * second) == .denied(retryAt: 16 * second))
        #expect(breaker.permit(now: 16 * second) == .trial)
    }

    @Test func rateLimitedTrialReopens() {
        var breaker = CircuitBreaker(configuration: .init(failureThreshold: 1))
        breaker.recordFailure(now: 0)
        #expect(breaker.permit(now: 10 * second) == .trial)
        let transition = breaker.record(.rateLimited(retryAfter: 20 * second), now: 10 * second)
        #expect(transition?.to == .open(until: 30 * second))
    }

    @Test func probeSuccessEndsAFailureCoolDownEarlyWithOneTrial() {
        var breaker = CircuitBreaker(configuration: .init(failureThreshold: 1))
        breaker.recordFailure(now: 0)
        #expect(breaker.probeMayTestWhileOpen)
        let transition = breaker.recordProbeRecovery(now: 2 * second)
        #expect(transition == CircuitBreaker.Transition(from: .open(until: 10 * second), to: .halfOpen(trialInFlight: false)))
        #expect(breaker.availability(now: 2 * second) == .trialAvailable)
        #expect(breaker.permit(now: 2 * second) == .trial)
        #expect(breaker.permit(now: 2 * second) == .denied(retryAt: 62 * second))
        breaker.recordSuccess(now: 3 * second)
        #expect(breaker.state == .closed(consecutiveFailures: 0))
        #expect(!breaker.probeMayTestWhileOpen)
    }

    @Test func trialFailingAfterProbeRecoveryReopensWithTheGrownCoolDown() {
        var breaker = CircuitBreaker(configuration: .init(failureThreshold: 1))
        breaker.recordFailure(now: 0)
        breaker.recordProbeRecovery(now: 1 * second)
        #expect(breaker.permit(now: 1 * second) == .trial)
        breaker.recordFailure(now: 2 * second)
        #expect(breaker.state == .open(until: 22 * second))
        #expect(breaker.probeMayTestWhileOpen)
    }

    @Test func probeRecoveryLeavesRateLimitAndAuthOpeningsAlone() {
        var limited = CircuitBreaker()
        limited.record(.rateLimited(retryAfter: 30 * second), now: 0)
        #expect(!limited.probeMayTestWhileOpen)
        #expect(limited.recordProbeRecovery(now: 1 * second) == nil)
        #expect(limited.state == .open(until: 30 * second))

        var auth = CircuitBreaker(configuration: .init(failureThreshold: 1))
        auth.recordFailure(now: 0)
        auth.record(.authOrNotFound, now: 1 * second)
        #expect(!auth.probeMayTestWhileOpen)
        #expect(auth.recordProbeRecovery(now: 2 * second) == nil)

        var closed = CircuitBreaker()
        #expect(closed.recordProbeRecovery(now: 0) == nil)
        #expect(closed.state == .closed(consecutiveFailures: 0))
    }
}

@Suite("UpstreamFailure to health")
struct UpstreamFailureHealthTests {
    @Test func mapsKindsToOutcomesAndBreakerEvents() {
        let limited = UpstreamFailure(kind: .rateLimited, status: 429, message: "", retryAfterSeconds: 2.5)
        #expect(limited.healthOutcome == .rateLimited)
        #expect(limited.breakerEvent == .rateLimited(retryAfter: 2_500_000_000))
        #expect(UpstreamFailure(kind: .connect, message: "").breakerEvent == .failure)
        #expect(UpstreamFailure(kind: .upstreamAuth, message: "").breakerEvent == .authOrNotFound)
        let refused = UpstreamFailure(kind: .contextLength, status: 400, message: "")
        #expect(refused.healthOutcome == nil)
        #expect(refused.breakerEvent == .success)
        let bogus = UpstreamFailure(kind: .rateLimited, message: "", retryAfterSeconds: -.infinity)
        #expect(bogus.retryAfterNanoseconds == nil)
        #expect(
            UpstreamFailure(kind: .rateLimited, message: "", retryAfterSeconds: 1e300).retryAfterNanoseconds
                == 86_400_000_000_000
        )
    }
}
