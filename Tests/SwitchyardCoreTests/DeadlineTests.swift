import Testing

@testable import SwitchyardCore

@Suite("Deadline")
struct DeadlineTests {
    private let ms: UInt64 = 1_000_000

    @Test func remainingCountsDownToZero() {
        let deadline = Deadline(start: 1_000 * ms, slaMs: 2_000)
        #expect(deadline.sla == 2_000 * ms)
        #expect(deadline.remaining(now: 1_000 * ms) == 2_000 * ms)
        #expect(deadline.remaining(now: 2_500 * ms) == 500 * ms)
        #expect(!deadline.isExpired(now: 2_999 * ms))
        #expect(deadline.isExpired(now: 3_000 * ms))
        #expect(deadline.remaining(now: 9_000 * ms) == 0)
    }

    @Test func tighteningOnlyShortens() {
        let deadline = Deadline(start: 0, slaMs: 2_000)
        #expect(deadline.tightened(toMs: 500).end == 500 * ms)
        #expect(deadline.tightened(toMs: 5_000) == deadline)
        #expect(deadline.tightened(toMs: 0) == deadline)
        #expect(deadline.tightened(toMs: -3) == deadline)
        #expect(deadline.tightened(toMs: 500).tightened(toMs: 1_000).end == 500 * ms)
    }

    @Test func hugeValuesSaturate() {
        #expect(Deadline(start: .max - 5, sla: 100).end == .max)
        #expect(Deadline(start: 0, slaMs: .max).end == .max)
        #expect(Deadline(start: 7, slaMs: -1).isExpired(now: 7))
    }
}
