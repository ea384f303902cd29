import Testing

@testable import SwitchyardServer

@Suite("PickRandom: the scheduler's uniform values without a system call")
struct PickRandomTests {
    @Test func valuesStayInTheUnitIntervalAcrossTheCounterWrapping() {
        // The counter steps by 0.62 × 2^64, so it wraps every other call or so: a wrap
        // must neither trap nor leave the interval.
        for _ in 0..<100_000 {
            let value = PickRandom.unit()
            #expect(value >= 0 && value < 1)
        }
    }

    @Test func valuesSpreadOverTheWholeInterval() {
        var buckets = [Int](repeating: 0, count: 10)
        var sum = 0.0
        let draws = 20_000
        for _ in 0..<draws {
            let value = PickRandom.unit()
            sum += value
            buckets[min(9, Int(value * 10))] += 1
        }
        // Bounds many standard deviations wide: a fair generator never fails them, a
        // stuck or skewed one (a constant, a missed mix) always does.
        #expect(abs(sum / Double(draws) - 0.5) < 0.05)
        for count in buckets { #expect(count > draws / 20 && count < draws * 3 / 20) }
    }
}
