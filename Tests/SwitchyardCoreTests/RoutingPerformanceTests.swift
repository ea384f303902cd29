import XCTest

@testable import SwitchyardCore

/// Timings of the hot-path primitives; no assertions on time. They run only when asked:
/// `SWITCHYARD_BENCH=1 swift test -c release --filter Performance` (XCTest on Linux fails a
/// `measure` block whose runs vary by more than 10%, which a shared machine cannot promise,
/// so they stay out of the default suite and CI).
final class RoutingPerformanceTests: XCTestCase {
    private static let ms: UInt64 = 1_000_000

    override func setUpWithError() throws {
        try XCTSkipUnless(
            ProcessInfo.processInfo.environment["SWITCHYARD_BENCH"] == "1",
            "performance measurements run with SWITCHYARD_BENCH=1"
        )
    }

    private func makeRoute(_ strategy: RoutingStrategy) -> RoutePicker {
        let targets = (0..<16).map { index in
            let health = DeploymentHealth()
            for step in 0..<32 {
                health.record(
                    HealthSample(
                        latency: UInt64(50 + index * 10 + step) * Self.ms,
                        timeToFirstToken: UInt64(20 + index) * Self.ms,
                        outcome: step % 10 == 0 ? .error : .ok,
                        timestamp: UInt64(step) * 100 * Self.ms
                    )
                )
            }
            return RoutePicker.Target(health: health, pricePerMillionTokens: Double(16 - index), weight: 1)
        }
        return RoutePicker(strategy: strategy, targets: targets)
    }

    /// 100 000 latency picks over 16 deployments.
    func testSchedulerPickLatency16() {
        let route = makeRoute(.latency)
        let deadline = Deadline(start: 0, slaMs: 2_000)
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        var checksum = 0
        measure {
            for _ in 0..<100_000 {
                state ^= state << 13
                state ^= state >> 7
                state ^= state << 17
                let random = Double(state >> 11) * 0x1p-53
                checksum &+=
                    route.pick(now: 3_000 * Self.ms, deadline: deadline, isStream: false, random: random)?.index ?? 0
            }
        }
        XCTAssertGreaterThan(checksum, -1)
    }

    /// 100 000 weighted picks over 16 deployments.
    func testSchedulerPickWeighted16() {
        let route = makeRoute(.weighted)
        var checksum = 0
        measure {
            for step in 0..<100_000 {
                let random = Double(step % 1_000) / 1_000
                checksum &+=
                    route.pick(now: 3_000 * Self.ms, deadline: nil, isStream: false, random: random)?.index ?? 0
            }
        }
        XCTAssertGreaterThan(checksum, -1)
    }

    /// 1 000 000 ring-buffer writes from one thread.
    func testSampleRingWrite() {
        let ring = SampleRing(capacity: 256)
        measure {
            for step in 0..<1_000_000 {
                let value = UInt64(step)
                ring.record(HealthSample(latency: value, timeToFirstToken: value, outcome: .ok, timestamp: value))
            }
        }
        XCTAssertGreaterThan(ring.recordedCount, 0)
    }

    /// 1 000 000 health records (ring plus moving averages) from one thread.
    func testDeploymentHealthRecord() {
        let health = DeploymentHealth()
        measure {
            for step in 0..<1_000_000 {
                let value = UInt64(step)
                health.record(HealthSample(latency: value * 1_000, outcome: .ok, timestamp: value * 1_000))
            }
        }
        XCTAssertGreaterThan(health.ring.recordedCount, 0)
    }

    /// 10 000 stats reads of a full 256-sample ring.
    func testSampleRingStatsRead() {
        let ring = SampleRing(capacity: 256)
        for step in 0..<256 {
            let value = UInt64(step)
            let outcome: UpstreamOutcome = step % 7 == 0 ? .error : .ok
            ring.record(
                HealthSample(
                    latency: (value * 7_919) % 1_000 * Self.ms,
                    timeToFirstToken: value,
                    outcome: outcome,
                    timestamp: value
                )
            )
        }
        var total = 0
        measure {
            for _ in 0..<10_000 {
                total &+= ring.stats(now: 300).sampleCount
            }
        }
        XCTAssertGreaterThan(total, 0)
    }
}
