import Testing

@testable import SwitchyardCore

@Suite("SampleRing")
struct SampleRingTests {
    private func samples(of ring: SampleRing) -> [HealthSample] {
        var result: [HealthSample] = []
        ring.forEachSample { result.append($0) }
        return result
    }

    @Test func capacityIsRoundedUpToAPowerOfTwo() {
        #expect(SampleRing(capacity: 5).capacity == 8)
        #expect(SampleRing(capacity: 1).capacity == 2)
        #expect(SampleRing().capacity == 256)
    }

    @Test func emptyRingHasNoSamples() {
        let ring = SampleRing(capacity: 8)
        #expect(samples(of: ring).isEmpty)
        #expect(ring.recordedCount == 0)
        #expect(ring.stats(now: 1_000) == .empty)
    }

    @Test func wrapAroundKeepsTheNewestSamples() {
        let ring = SampleRing(capacity: 4)
        for value in UInt64(1)...10 {
            ring.record(HealthSample(latency: value, outcome: .ok, timestamp: value))
        }
        #expect(ring.recordedCount == 10)
        #expect(samples(of: ring).map(\.latency).sorted() == [7, 8, 9, 10])
    }

    @Test func fieldsSurvivePacking() {
        let ring = SampleRing(capacity: 8)
        let stored = [
            HealthSample(latency: 5, timeToFirstToken: nil, outcome: .timeout, timestamp: 1),
            HealthSample(latency: 6, timeToFirstToken: 0, outcome: .connect, timestamp: 2),
            HealthSample(latency: .max, timeToFirstToken: 123_456, outcome: .rateLimited, timestamp: .max),
        ]
        stored.forEach(ring.record)
        #expect(Set(samples(of: ring)) == Set(stored))
        ring.record(HealthSample(latency: 1, timeToFirstToken: .max, outcome: .ok, timestamp: 3))
        #expect(samples(of: ring).contains { $0.timeToFirstToken == HealthSample.maxPackedTTFT })
    }

    /// 8 writers × 10 000 records while a reader scans: every sample read is whole (its
    /// fields all encode the same writer and sequence number), and none goes missing.
    @Test func concurrentWritersNeverTearSamples() async {
        let ring = SampleRing(capacity: 256)
        let writers = 8
        let perWriter = 10_000
        func check(_ sample: HealthSample) -> Bool {
            let writer = sample.latency >> 32
            return sample.timeToFirstToken == sample.latency
                && sample.timestamp == sample.latency &* 3
                && sample.outcome.rawValue == UInt8(writer % 5)
        }
        let tornSeen = await withTaskGroup(of: Int.self) { group in
            for writer in 0..<writers {
                group.addTask {
                    for index in 0..<perWriter {
                        let value = UInt64(writer) << 32 | UInt64(index)
                        let outcome = UpstreamOutcome(rawValue: UInt8(writer % 5)) ?? .ok
                        ring.record(
                            HealthSample(
                                latency: value,
                                timeToFirstToken: value,
                                outcome: outcome,
                                timestamp: value &* 3
                            )
                        )
                    }
                    return 0
                }
            }
            group.addTask {
                var torn = 0
                for _ in 0..<200 {
                    ring.forEachSample { if !check($0) { torn += 1 } }
                    await Task.yield()
                }
                return torn
            }
            return await group.reduce(0, +)
        }
        #expect(tornSeen == 0)
        #expect(ring.recordedCount + ring.droppedCount == UInt64(writers * perWriter))
        let final = samples(of: ring)
        #expect(final.count == 256)
        #expect(final.allSatisfy(check))
    }
}
