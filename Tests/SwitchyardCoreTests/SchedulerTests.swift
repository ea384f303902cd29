import Testing

@testable import SwitchyardCore

@Suite("Scheduler strategies")
struct SchedulerTests {
    let ms: UInt64 = 1_000_000
    let now: UInt64 = 100_000_000_000
    let scheduler = Scheduler()

    func healthy(_ latencyMs: UInt64, error: Double = 0, inFlight: Int = 0, ttftMs: UInt64? = nil) -> DeploymentSnapshot
    {
        DeploymentSnapshot(
            latency: latencyMs * ms,
            timeToFirstToken: ttftMs.map { $0 * ms },
            errorRate: error,
            inFlight: inFlight,
            sampleCount: 50,
            lastSampleAt: now - 1_000 * ms
        )
    }

    func candidates(_ snapshots: [DeploymentSnapshot], prices: [Double?] = [], weights: [Double] = [])
        -> [RoutingCandidate]
    {
        snapshots.indices.map { index in
            RoutingCandidate(
                snapshot: snapshots[index],
                pricePerMillionTokens: index < prices.count ? prices[index] : nil,
                weight: index < weights.count ? weights[index] : 1
            )
        }
    }

    func order(_ strategy: RoutingStrategy, _ list: [RoutingCandidate], context: PickContext) -> [Int] {
        var context = context
        var result: [Int] = []
        while let pick = scheduler.pick(strategy, from: list, context: context) {
            result.append(pick.index)
            context.excluded.insert(pick.index)
        }
        return result
    }

    @Test func latencyPrefersTheFastest() {
        let list = candidates([healthy(300), healthy(100), healthy(200)])
        #expect(scheduler.pick(.latency, from: list, context: PickContext(now: now)) == SchedulerPick(index: 1))
        #expect(order(.latency, list, context: PickContext(now: now)) == [1, 2, 0])
    }

    @Test func latencyAvoidsHighErrorRateAndLoad() {
        let errors = candidates([healthy(100, error: 0.5), healthy(200)])
        #expect(scheduler.pick(.latency, from: errors, context: PickContext(now: now))?.index == 1)
        let loaded = candidates([healthy(100, inFlight: 40), healthy(200, inFlight: 1)])
        #expect(scheduler.pick(.latency, from: loaded, context: PickContext(now: now))?.index == 1)
    }

    @Test func latencyUsesTimeToFirstTokenForStreams() {
        let list = candidates([healthy(500, ttftMs: 50), healthy(300, ttftMs: 200)])
        #expect(scheduler.pick(.latency, from: list, context: PickContext(now: now))?.index == 1)
        #expect(scheduler.pick(.latency, from: list, context: PickContext(now: now, isStream: true))?.index == 0)
    }

    @Test func openBreakersAreNeverChosen() {
        var open = healthy(10)
        open.breaker = .unavailable
        var trial = healthy(50)
        trial.breaker = .trialAvailable
        let list = candidates([open, healthy(100), trial])
        for strategy in RoutingStrategy.allCases {
            let picked = order(strategy, list, context: PickContext(now: now))
            #expect(!picked.contains(0), "\(strategy)")
            #expect(Set(picked) == [1, 2], "\(strategy)")
        }
        #expect(scheduler.pick(.latency, from: list, context: PickContext(now: now))?.index == 2)
        let allOpen = candidates([open, open])
        #expect(scheduler.pick(.latency, from: allOpen, context: PickContext(now: now)) == nil)
    }

    @Test func latencySkipsThoseThatCannotMeetTheSLAButFallsBackToTheBest() {
        // The fast one is overloaded enough to score worse, but only the slow one misses the SLA.
        let list = candidates([healthy(1_500), healthy(100, inFlight: 400)])
        let context = PickContext(now: now, remaining: 1_000 * ms)
        #expect(scheduler.pick(.latency, from: list, context: context) == SchedulerPick(index: 1))
        let tooSlow = candidates([healthy(3_000), healthy(2_500)])
        #expect(scheduler.pick(.latency, from: tooSlow, context: context) == SchedulerPick(index: 1, meetsSLA: false))
    }

    @Test func latencyExploresDeploymentsWithNoData() {
        let list = candidates([healthy(100), DeploymentSnapshot(), DeploymentSnapshot()])
        #expect(
            scheduler.pick(.latency, from: list, context: PickContext(now: now))
                == SchedulerPick(index: 1, explored: true)
        )
        // One exploration at a time: a no-data deployment with an attempt in flight is scored
        // with the (pessimistic) prior instead.
        let busy = candidates([healthy(100), DeploymentSnapshot(inFlight: 1)])
        #expect(scheduler.pick(.latency, from: busy, context: PickContext(now: now))?.index == 0)
    }

    @Test func latencyExploresStaleDataWithTheInjectedProbability() {
        var stale = healthy(400)
        stale.lastSampleAt = now - 60_000 * ms
        let list = candidates([healthy(100), stale])
        let explore = PickContext(now: now, random: 0.01)
        let exploit = PickContext(now: now, random: 0.5)
        #expect(scheduler.pick(.latency, from: list, context: explore) == SchedulerPick(index: 1, explored: true))
        #expect(scheduler.pick(.latency, from: list, context: exploit) == SchedulerPick(index: 0))
    }

    @Test func costPicksTheCheapestHealthyThatMeetsTheSLA() {
        let snapshots = [healthy(100), healthy(100), healthy(100, error: 0.9), healthy(3_000), healthy(100)]
        let prices: [Double?] = [10, 2, 0.5, 0.1, nil]
        let list = candidates(snapshots, prices: prices)
        let context = PickContext(now: now, remaining: 2_000 * ms)
        #expect(order(.cost, list, context: context) == [1, 0, 4, 2, 3])
        let unknownOnly = candidates([healthy(100), healthy(100)], prices: [nil, 3])
        #expect(scheduler.pick(.cost, from: unknownOnly, context: PickContext(now: now))?.index == 1)
    }

    @Test func priorityFollowsListedOrder() {
        let list = candidates([healthy(900), healthy(100), healthy(500)])
        #expect(order(.priority, list, context: PickContext(now: now)) == [0, 1, 2])
        let tight = PickContext(now: now, remaining: 600 * ms)
        #expect(order(.priority, list, context: tight) == [1, 2, 0])
    }

    @Test func weightedFollowsTheInjectedRandomValue() {
        let list = candidates([healthy(100), healthy(100), healthy(100)], weights: [1, 3, 0])
        var counts = [0, 0, 0]
        for step in 0..<1_000 {
            let context = PickContext(now: now, random: Double(step) / 1_000)
            if let pick = scheduler.pick(.weighted, from: list, context: context) { counts[pick.index] += 1 }
        }
        #expect(counts == [250, 750, 0])
        let zero = candidates([healthy(100), healthy(100)], weights: [0, 0])
        #expect(scheduler.pick(.weighted, from: zero, context: PickContext(now: now, random: 0.9))?.index == 0)
        let failover = PickContext(now: now, excluded: CandidateMask().inserting(1), random: 0.9)
        #expect(scheduler.pick(.weighted, from: list, context: failover)?.index == 0)
    }

    @Test func roundRobinCyclesAndSkipsTheUnavailable() {
        var open = healthy(100)
        open.breaker = .unavailable
        let list = candidates([healthy(100), open, healthy(100)])
        let picks = (0..<6).compactMap { turn in
            scheduler.pick(.roundRobin, from: list, context: PickContext(now: now, rotation: UInt64(turn)))?.index
        }
        #expect(picks == [0, 2, 2, 0, 2, 2])
        #expect(order(.roundRobin, list, context: PickContext(now: now, rotation: 2)) == [2, 0])
    }

    @Test func onlyTheFirst64CandidatesAreConsidered() {
        var snapshots = Array(repeating: healthy(500), count: 64)
        snapshots.append(healthy(1))
        #expect(scheduler.pick(.latency, from: candidates(snapshots), context: PickContext(now: now))?.index != 64)
        #expect(order(.priority, candidates(snapshots), context: PickContext(now: now)).count == 64)
    }
}
