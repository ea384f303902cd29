import Synchronization

/// Lock-free request counters behind `SimulatorStats`.
final class StatsCounters: Sendable {
    let requestsTotal = Atomic<Int>(0)
    let inFlight = Atomic<Int>(0)
    let completed = Atomic<Int>(0)
    let failed = Atomic<Int>(0)
    let cancelled = Atomic<Int>(0)
    let streamsStarted = Atomic<Int>(0)
    let lastBodyBytes = Atomic<Int>(0)
    let lastHadAuth = Atomic<Bool>(false)

    func snapshot() -> SimulatorStats {
        SimulatorStats(
            requestsTotal: requestsTotal.load(ordering: .relaxed),
            inFlight: inFlight.load(ordering: .relaxed),
            completed: completed.load(ordering: .relaxed),
            failed: failed.load(ordering: .relaxed),
            cancelled: cancelled.load(ordering: .relaxed),
            streamsStarted: streamsStarted.load(ordering: .relaxed),
            lastRequestBodyBytes: lastBodyBytes.load(ordering: .relaxed),
            lastRequestHadAuthorization: lastHadAuth.load(ordering: .relaxed)
        )
    }

    func reset() {
        // in_flight is live state, not a counter: it is never reset.
        requestsTotal.store(0, ordering: .relaxed)
        completed.store(0, ordering: .relaxed)
        failed.store(0, ordering: .relaxed)
        cancelled.store(0, ordering: .relaxed)
        streamsStarted.store(0, ordering: .relaxed)
        lastBodyBytes.store(0, ordering: .relaxed)
        lastHadAuth.store(false, ordering: .relaxed)
    }
}
