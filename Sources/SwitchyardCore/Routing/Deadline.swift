/// The instant a request must be answered by: its start plus the SLA, in nanoseconds on
/// the caller's monotonic clock. Every attempt gets only what remains.
public struct Deadline: Sendable, Hashable {
    /// When the request started.
    public let start: UInt64
    /// When the SLA runs out.
    public let end: UInt64

    /// A deadline `sla` nanoseconds after `start` (saturating).
    public init(start: UInt64, sla: UInt64) {
        self.start = start
        let (sum, overflow) = start.addingReportingOverflow(sla)
        self.end = overflow ? UInt64.max : sum
    }

    /// A deadline `slaMs` milliseconds after `start`; a negative SLA is treated as 0.
    public init(start: UInt64, slaMs: Int) {
        self.init(start: start, sla: Self.nanoseconds(fromMs: slaMs))
    }

    /// The whole budget in nanoseconds.
    public var sla: UInt64 { end - start }

    /// Nanoseconds left at `now`; 0 once expired.
    public func remaining(now: UInt64) -> UInt64 {
        now >= end ? 0 : end - now
    }

    /// Whether the SLA has run out at `now`.
    public func isExpired(now: UInt64) -> Bool {
        now >= end
    }

    /// Applies a per-request SLA (`x-switchyard-sla-ms`): only ever tightens. A value that
    /// is not positive, or is looser than the current SLA, leaves the deadline unchanged.
    public func tightened(toMs slaMs: Int) -> Deadline {
        guard slaMs > 0 else { return self }
        let candidate = Deadline(start: start, slaMs: slaMs)
        return candidate.end < end ? candidate : self
    }

    private static func nanoseconds(fromMs ms: Int) -> UInt64 {
        guard ms > 0 else { return 0 }
        let (product, overflow) = UInt64(ms).multipliedReportingOverflow(by: 1_000_000)
        return overflow ? UInt64.max : product
    }
}
