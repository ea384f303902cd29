import Synchronization

/// Counts the requests a listener is serving and refuses one beyond `limit` (the
/// `server.max_concurrent_requests` cap). Lock-free: one atomic add per request.
final class ConcurrencyLimiter: Sendable {
    /// The most requests served at once.
    let limit: Int
    private let active = Atomic<Int>(0)

    init(limit: Int) {
        self.limit = max(1, limit)
    }

    /// Requests being served now.
    var current: Int { active.load(ordering: .relaxed) }

    /// A permit for one more request, or nil when `limit` are already being served. The
    /// request holds the permit until it is dropped, however the request ends.
    func acquire() -> RequestPermit? {
        let now = active.wrappingAdd(1, ordering: .acquiringAndReleasing).newValue
        if now > limit {
            active.wrappingSubtract(1, ordering: .acquiringAndReleasing)
            return nil
        }
        return RequestPermit(limiter: self)
    }

    fileprivate func release() {
        active.wrappingSubtract(1, ordering: .acquiringAndReleasing)
    }
}

/// One admitted request's place under the concurrency cap; released when the last
/// reference goes (the handler returned and, for a stream, its body was written or dropped),
/// so no path through a request can leak it.
final class RequestPermit: Sendable {
    private let limiter: ConcurrencyLimiter

    fileprivate init(limiter: ConcurrencyLimiter) {
        self.limiter = limiter
    }

    deinit {
        limiter.release()
    }
}
