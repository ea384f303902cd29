import Testing

@testable import SwitchyardCore

@Suite("HealthStats maths")
struct HealthStatsTests {
    private let ms: UInt64 = 1_000_000
    private let second: UInt64 = 1_000_000_000

    @Test func percentilesOfOneToHundredMilliseconds() {
        let ring = SampleRing(capacity: 128)
        for value in UInt64(1)...100 {
            ring.record(
                HealthSample(
                    latency: value * ms,
                    timeToFirstToken: value * ms / 2,
                    outcome: .ok,
                    timestamp: 100 * second
                )
            )
        }
        let stats = ring.stats(now: 100 * second)
        #expect(stats.sampleCount == 100)
        #expect(stats.okCount == 100)
        #expect(stats.latencyP50 == 50 * ms)
        #expect(stats.latencyP95 == 95 * ms)
        #expect(stats.latencyP99 == 99 * ms)
        #expect(stats.ttftP50 == 25 * ms)
        #expect(stats.ttftP95 == 95 * ms / 2)
        #expect(stats.errorRate == 0)
        #expect(stats.latencyP95Ms == 95)
    }

    @Test func nearestRankPercentileOfSmallSets() {
        [UInt64(10), 20, 30].withUnsafeBufferPointer { values in
            #expect(SampleRing.percentile(0.5, ofSorted: values) == 20)
            #expect(SampleRing.percentile(0.95, ofSorted: values) == 30)
            #expect(SampleRing.percentile(0, ofSorted: values) == 10)
        }
        [UInt64]().withUnsafeBufferPointer { #expect(SampleRing.percentile(0.5, ofSorted: $0) == nil) }
    }

    @Test func errorRateCountsEveryNonOkOutcome() {
        let ring = SampleRing(capacity: 32)
        let outcomes: [UpstreamOutcome] = [.ok, .ok, .ok, .ok, .rateLimited, .error, .timeout, .connect]
        for outcome in outcomes {
            ring.record(HealthSample(latency: 10 * ms, outcome: outcome, timestamp: 5 * second))
        }
        let stats = ring.stats(now: 5 * second)
        #expect(stats.sampleCount == 8)
        #expect(stats.okCount == 4)
        #expect(stats.rateLimitedCount == 1)
        #expect(stats.failureCount == 3)
        #expect(stats.errorRate == 0.5)
        #expect(stats.latencyP99 == 10 * ms)
    }

    @Test func samplesOutsideTheWindowAreIgnoredButStillDateTheLastSample() {
        let ring = SampleRing(capacity: 32)
        ring.record(HealthSample(latency: 900 * ms, outcome: .error, timestamp: 1 * second))
        ring.record(HealthSample(latency: 100 * ms, outcome: .ok, timestamp: 70 * second))
        let stats = ring.stats(now: 80 * second, window: 60 * second)
        #expect(stats.sampleCount == 1)
        #expect(stats.errorRate == 0)
        #expect(stats.latencyP50 == 100 * ms)
        #expect(stats.lastSampleAt == 70 * second)
        let stale = ring.stats(now: 200 * second, window: 60 * second)
        #expect(stale.sampleCount == 0)
        #expect(stale.latencyP50 == nil)
        #expect(stale.lastSampleAt == 70 * second)
    }

    @Test func recentErrorRateFavoursNewSamples() {
        let ring = SampleRing(capacity: 32)
        for _ in 0..<5 { ring.record(HealthSample(latency: ms, outcome: .error, timestamp: 10 * second)) }
        for _ in 0..<5 { ring.record(HealthSample(latency: ms, outcome: .ok, timestamp: 60 * second)) }
        let stats = ring.stats(now: 60 * second, window: 60 * second)
        #expect(stats.errorRate == 0.5)
        #expect(stats.recentErrorRate < 0.2)
        #expect(stats.recentErrorRate > 0)
    }

    @Test func samplesFromTheFutureCountAsNew() {
        let ring = SampleRing(capacity: 8)
        ring.record(HealthSample(latency: ms, outcome: .ok, timestamp: 10 * second))
        #expect(ring.stats(now: 9 * second).sampleCount == 1)
    }
}
