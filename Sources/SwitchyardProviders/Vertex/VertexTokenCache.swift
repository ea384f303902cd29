import NIOCore
import SwitchyardCore

/// An OAuth access token and when it stops working (seconds since 1970).
struct VertexAccessToken: Sendable, Equatable {
    var value: String
    var expiresAt: Double
}

/// Caches an OAuth access token until shortly before it expires and refreshes it
/// single-flight: while one refresh runs, other callers wait for its result instead of
/// starting their own (providers.md §3.7 step 4). Time and the fetch are injected.
actor VertexTokenCache {
    /// Fetches a new token: its value and lifetime in seconds.
    typealias Fetch = @Sendable (NIODeadline) async throws(UpstreamFailure) -> (token: String, expiresIn: Double)

    private let fetch: Fetch
    private let now: @Sendable () -> Double
    /// A token is replaced this long before it expires.
    private let refreshMargin: Double
    private var current: VertexAccessToken?
    private var refreshing = false
    private var waiters: [CheckedContinuation<VertexAccessToken, any Error>] = []

    /// A cache using `fetch` for new tokens and `now` (seconds since 1970) for expiry.
    init(refreshMargin: Double = 300, now: @escaping @Sendable () -> Double, fetch: @escaping Fetch) {
        self.refreshMargin = refreshMargin
        self.now = now
        self.fetch = fetch
    }

    /// A valid token. `rejected` is a token the upstream answered 401 to: if it is still
    /// the cached one, it is dropped and a new one fetched.
    func token(rejected: String? = nil, deadline: NIODeadline) async throws(UpstreamFailure) -> String {
        if let rejected, current?.value == rejected { current = nil }
        if let current, now() < current.expiresAt - refreshMargin { return current.value }
        if refreshing {
            do {
                return try await withCheckedThrowingContinuation { waiters.append($0) }.value
            } catch let failure as UpstreamFailure {
                throw failure
            } catch {
                throw UpstreamFailure(kind: .upstreamAuth, message: "Vertex AI: could not obtain an access token")
            }
        }
        refreshing = true
        let result: Result<VertexAccessToken, UpstreamFailure>
        do {
            let fetched = try await fetch(deadline)
            result = .success(VertexAccessToken(value: fetched.token, expiresAt: now() + fetched.expiresIn))
        } catch {
            result = .failure(error)
        }
        refreshing = false
        if case .success(let token) = result { current = token }
        let pending = waiters
        waiters.removeAll()
        for waiter in pending {
            waiter.resume(with: result.mapError { $0 as any Error })
        }
        return try result.get().value
    }
}
