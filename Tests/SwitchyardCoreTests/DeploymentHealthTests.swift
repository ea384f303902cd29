import Testing

@testable import SwitchyardCore

@Suite("DeploymentHealth")
struct DeploymentHealthTests {
    let ms: UInt64 = 1_000_000
    let second: UInt64 = 1_000_000_000

    @Test func peakEWMAJumpsUpAtOnceAndDecaysWithTime() throws {
        let health = DeploymentHealth()
        #expect(health.snapshot(now: 0).latency == nil)
        health.record(HealthSample(latency: 100 * ms, outcome: .ok, timestamp: 1 * second))
        #expect(health.snapshot(now: 1 * second).latency == 100 * ms)
        health.record(HealthSample(latency: 900 * ms, outcome: .ok, timestamp: 2 * second))
        #expect(health.snapshot(now: 2 * second).latency == 900 * ms)
        // 5 s later (one decay time) a fast sample pulls it most of the way down: e^-1 ≈ 0.37.
        health.record(HealthSample(latency: 100 * ms, outcome: .ok, timestamp: 7 * second))
        let decayed = try #require(health.snapshot(now: 7 * second).latency)
        #expect(decayed > 390 * ms && decayed < 400 * ms)
    }

    @Test func decayFactorApproximatesExp() {
        #expect(PeakEWMA.decayFactor(0) == 1)
        #expect(abs(PeakEWMA.decayFactor(1) - 0.367879) < 1e-4)
        #expect(abs(PeakEWMA.decayFactor(3) - 0.049787) < 1e-4)
        #expect(PeakEWMA.decayFactor(100) == 0)
    }

    @Test func timeoutsOnlyRaiseLatencyAndErrorsDoNotMoveIt() {
        let health = DeploymentHealth()
        health.record(HealthSample(latency: 500 * ms, outcome: .ok, timestamp: 1 * second))
        health.record(HealthSample(latency: 5 * ms, outcome: .connect, timestamp: 2 * second))
        #expect(health.snapshot(now: 2 * second).latency == 500 * ms)
        health.record(HealthSample(latency: 200 * ms, outcome: .timeout, timestamp: 30 * second))
        #expect(health.snapshot(now: 30 * second).latency == 500 * ms)
        health.record(HealthSample(latency: 2_000 * ms, outcome: .timeout, timestamp: 31 * second))
        #expect(health.snapshot(now: 31 * second).latency == 2_000 * ms)
    }

    @Test func streamTimeoutBeforeFirstTokenRaisesTTFT() {
        let health = DeploymentHealth()
        health.record(HealthSample(latency: 900 * ms, timeToFirstToken: 100 * ms, outcome: .ok, timestamp: 1 * second))
        health.record(HealthSample(latency: 1_500 * ms, outcome: .timeout, timestamp: 2 * second))
        #expect(health.snapshot(now: 2 * second).timeToFirstToken == 1_500 * ms)
    }

    @Test func errorRateIsAMovingAverage() {
        let health = DeploymentHealth(configuration: .init(errorSmoothing: 0.5))
        health.record(HealthSample(latency: ms, outcome: .error, timestamp: 1))
        #expect(health.snapshot(now: 1).errorRate == 0.5)
        health.record(HealthSample(latency: ms, outcome: .rateLimited, timestamp: 2))
        #expect(health.snapshot(now: 2).errorRate == 0.75)
        health.record(HealthSample(latency: ms, outcome: .ok, timestamp: 3))
        let snapshot = health.snapshot(now: 3)
        #expect(snapshot.errorRate == 0.375)
        #expect(snapshot.sampleCount == 3)
        #expect(snapshot.lastSampleAt == 3)
        #expect(health.stats(now: 3).errorRate == 2.0 / 3.0)
    }

    @Test func inFlightCountsAttempts() {
        let health = DeploymentHealth()
        health.beginAttempt()
        health.beginAttempt()
        health.endAttempt()
        #expect(health.snapshot(now: 0).inFlight == 1)
        health.endAttempt()
        health.endAttempt()
        #expect(health.inFlight == 0)
    }

    @Test func breakerMirrorFollowsTheBreaker() {
        let health = DeploymentHealth(configuration: .init(breaker: .init(failureThreshold: 2)))
        #expect(health.snapshot(now: 0).breaker == .closed)
        health.report(HealthSample(latency: ms, outcome: .connect, timestamp: 0))
        let transition = health.report(HealthSample(latency: ms, outcome: .error, timestamp: 1 * second))
        #expect(transition?.to == .open(until: 11 * second))
        #expect(health.snapshot(now: 5 * second).breaker == .unavailable)
        #expect(health.snapshot(now: 11 * second).breaker == .trialAvailable)
        #expect(health.acquirePermit(now: 11 * second) == .trial)
        #expect(health.snapshot(now: 11 * second).breaker == .unavailable)
        #expect(health.acquirePermit(now: 11 * second).allowsAttempt == false)
        health.report(HealthSample(latency: ms, outcome: .ok, timestamp: 12 * second))
        #expect(health.breakerState == .closed(consecutiveFailures: 0))
        #expect(health.snapshot(now: 12 * second).breaker == .closed)
    }

    /// A success resets the failures counted so far (the lock-free path is only for a
    /// closed breaker with none), and permits go without a lock only while closed.
    @Test func successBetweenFailuresResetsTheCount() {
        let health = DeploymentHealth(configuration: .init(breaker: .init(failureThreshold: 3)))
        health.report(HealthSample(latency: ms, outcome: .error, timestamp: 0))
        health.report(HealthSample(latency: ms, outcome: .error, timestamp: 1 * second))
        #expect(health.breakerState == .closed(consecutiveFailures: 2))
        #expect(health.acquirePermit(now: 1 * second) == .granted)
        #expect(health.report(HealthSample(latency: ms, outcome: .ok, timestamp: 2 * second)) == nil)
        #expect(health.breakerState == .closed(consecutiveFailures: 0))
        #expect(health.report(HealthSample(latency: ms, outcome: .ok, timestamp: 3 * second)) == nil)
        health.report(HealthSample(latency: ms, outcome: .error, timestamp: 4 * second))
        health.report(HealthSample(latency: ms, outcome: .error, timestamp: 5 * second))
        #expect(health.breakerState == .closed(consecutiveFailures: 2))
        let opened = health.report(HealthSample(latency: ms, outcome: .error, timestamp: 6 * second))
        #expect(opened?.to == .open(until: 16 * second))
        #expect(health.acquirePermit(now: 7 * second) == .denied(retryAt: 16 * second))
        #expect(health.snapshot(now: 7 * second).breaker == .unavailable)
    }

    @Test func rateLimitReportHonoursRetryAfter() {
        let health = DeploymentHealth()
        health.report(HealthSample(latency: ms, outcome: .rateLimited, timestamp: 0), retryAfter: 42 * second)
        #expect(health.breakerState == .open(until: 42 * second))
        #expect(health.acquirePermit(now: 41 * second) == .denied(retryAt: 42 * second))
    }
}
