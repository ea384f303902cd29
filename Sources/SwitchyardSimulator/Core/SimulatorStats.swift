/// A snapshot of a simulator's request counters.
public struct SimulatorStats: Sendable, Equatable {
    /// Provider requests received (control endpoints under `/_sim/` are not counted).
    public var requestsTotal: Int
    /// Requests received and not yet finished.
    public var inFlight: Int
    /// Requests answered successfully to the end.
    public var completed: Int
    /// Requests answered with an error (injected, validation or auth) or a cut stream.
    public var failed: Int
    /// Requests whose client went away before the answer ended.
    public var cancelled: Int
    /// Streaming answers that sent their response head.
    public var streamsStarted: Int
    /// Size of the last request body in bytes.
    public var lastRequestBodyBytes: Int
    /// Whether the last request carried an auth header (`authorization`, `x-api-key` or
    /// `x-goog-api-key`); the value itself is never kept.
    public var lastRequestHadAuthorization: Bool

    /// Creates a snapshot.
    public init(
        requestsTotal: Int = 0,
        inFlight: Int = 0,
        completed: Int = 0,
        failed: Int = 0,
        cancelled: Int = 0,
        streamsStarted: Int = 0,
        lastRequestBodyBytes: Int = 0,
        lastRequestHadAuthorization: Bool = false
    ) {
        self.requestsTotal = requestsTotal
        self.inFlight = inFlight
        self.completed = completed
        self.failed = failed
        self.cancelled = cancelled
        self.streamsStarted = streamsStarted
        self.lastRequestBodyBytes = lastRequestBodyBytes
        self.lastRequestHadAuthorization = lastRequestHadAuthorization
    }

    /// The JSON served by `GET /_sim/stats`.
    var json: String {
        """
        {"requests_total":\(requestsTotal),"in_flight":\(inFlight),"completed":\(completed),\
        "failed":\(failed),"cancelled":\(cancelled),"streams_started":\(streamsStarted),\
        "last_request_body_bytes":\(lastRequestBodyBytes),\
        "last_request_had_authorization":\(lastRequestHadAuthorization)}
        """
    }
}
