import Synchronization

/// How a simulated request ended.
enum RequestOutcome: Sendable {
    case completed
    case failed
    case cancelled
}

/// Follows one request from arrival to its end and settles the counters exactly once.
///
/// A streaming answer ends after the responder returned, inside the body writer, so the
/// tracker travels with the body. If it is dropped unsettled (the head write failed and the
/// body never ran), `deinit` counts the request as cancelled so `in_flight` cannot leak.
final class RequestTracker: Sendable {
    private let counters: StatsCounters
    private let settled = Atomic<Bool>(false)

    init(counters: StatsCounters) {
        self.counters = counters
        counters.requestsTotal.add(1, ordering: .relaxed)
        counters.inFlight.add(1, ordering: .relaxed)
    }

    func finish(_ outcome: RequestOutcome) {
        guard !settled.exchange(true, ordering: .acquiringAndReleasing) else { return }
        switch outcome {
        case .completed: counters.completed.add(1, ordering: .relaxed)
        case .failed: counters.failed.add(1, ordering: .relaxed)
        case .cancelled: counters.cancelled.add(1, ordering: .relaxed)
        }
        counters.inFlight.subtract(1, ordering: .relaxed)
    }

    func streamStarted() {
        counters.streamsStarted.add(1, ordering: .relaxed)
    }

    deinit {
        finish(.cancelled)
    }
}
