import Testing

@testable import SwitchyardCore

@Suite("RoutePicker")
struct RoutePickerTests {
    let ms: UInt64 = 1_000_000

    func route(_ strategy: RoutingStrategy, latenciesMs: [UInt64]) -> RoutePicker {
        let targets = latenciesMs.map { latency in
            let health = DeploymentHealth()
            health.record(HealthSample(latency: latency * ms, outcome: .ok, timestamp: 1_000 * ms))
            return RoutePicker.Target(health: health)
        }
        return RoutePicker(strategy: strategy, targets: targets)
    }

    @Test func latencyRouteGivesTheFailoverOrder() {
        let route = route(.latency, latenciesMs: [300, 100, 200])
        var excluded = CandidateMask.none
        var order: [Int] = []
        while let pick = route.pick(now: 1_000 * ms, deadline: nil, isStream: false, excluded: excluded, random: 0.5) {
            order.append(pick.index)
            excluded.insert(pick.index)
        }
        #expect(order == [1, 2, 0])
        #expect(route.candidates(now: 1_000 * ms).count == 3)
    }

    @Test func roundRobinRouteAdvancesPerRequestNotPerFailover() {
        let route = route(.roundRobin, latenciesMs: [100, 100, 100])
        let first = (0..<4).compactMap { _ in
            route.pick(now: 0, deadline: nil, isStream: false, random: 0)?.index
        }
        #expect(first == [0, 1, 2, 0])
        let failover = route.pick(
            now: 0,
            deadline: nil,
            isStream: false,
            excluded: CandidateMask().inserting(0),
            random: 0
        )
        #expect(failover?.index == 1)
    }

    @Test func deadlineFeedsTheSLACheck() {
        let route = route(.latency, latenciesMs: [100, 400])
        let deadline = Deadline(start: 0, slaMs: 2_000)
        let late = route.pick(now: 1_950 * ms, deadline: deadline, isStream: false, random: 0.5)
        #expect(late == SchedulerPick(index: 0, meetsSLA: false))
    }
}
