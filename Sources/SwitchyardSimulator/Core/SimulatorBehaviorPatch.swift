/// A partial change to a running simulator's behaviour; nil fields are left as they are.
///
/// Decoded from the snake_case JSON body of `PUT /_sim/behavior`. For the optional knobs
/// (`ttft_ms`, `fail_after_ms`, `cut_stream_after_chunks`, `chunk_interval_ms`) an explicit
/// JSON `null` clears the value, which is why they are doubly optional here.
public struct SimulatorBehaviorPatch: Sendable, Equatable, Decodable {
    public var latencyMs: Int?
    public var jitterMs: Int?
    public var ttftMs: Int??
    public var tokensPerSecond: Double?
    public var errorRate: Double?
    public var errorStatus: Int?
    public var hang: Bool?
    public var failAfterMs: Int??
    public var cutStreamAfterChunks: Int??
    public var malformed: Bool?
    public var chunkCount: Int?
    public var chunkIntervalMs: Int??
    public var inBandStreamErrors: Bool?

    /// Creates an empty patch; set the fields to change.
    public init() {}

    enum CodingKeys: String, CodingKey {
        case latencyMs = "latency_ms"
        case jitterMs = "jitter_ms"
        case ttftMs = "ttft_ms"
        case tokensPerSecond = "tokens_per_second"
        case errorRate = "error_rate"
        case errorStatus = "error_status"
        case hang
        case failAfterMs = "fail_after_ms"
        case cutStreamAfterChunks = "cut_stream_after_chunks"
        case malformed
        case chunkCount = "chunk_count"
        case chunkIntervalMs = "chunk_interval_ms"
        case inBandStreamErrors = "in_band_stream_errors"
    }

    /// Decodes a patch, telling an explicit `null` (clear) from an absent key (keep).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        func clearable(_ key: CodingKeys) throws -> Int?? {
            guard c.contains(key) else { return nil }
            if try c.decodeNil(forKey: key) { return .some(nil) }
            return .some(try c.decode(Int.self, forKey: key))
        }
        latencyMs = try c.decodeIfPresent(Int.self, forKey: .latencyMs)
        jitterMs = try c.decodeIfPresent(Int.self, forKey: .jitterMs)
        ttftMs = try clearable(.ttftMs)
        tokensPerSecond = try c.decodeIfPresent(Double.self, forKey: .tokensPerSecond)
        errorRate = try c.decodeIfPresent(Double.self, forKey: .errorRate)
        errorStatus = try c.decodeIfPresent(Int.self, forKey: .errorStatus)
        hang = try c.decodeIfPresent(Bool.self, forKey: .hang)
        failAfterMs = try clearable(.failAfterMs)
        cutStreamAfterChunks = try clearable(.cutStreamAfterChunks)
        malformed = try c.decodeIfPresent(Bool.self, forKey: .malformed)
        chunkCount = try c.decodeIfPresent(Int.self, forKey: .chunkCount)
        chunkIntervalMs = try clearable(.chunkIntervalMs)
        inBandStreamErrors = try c.decodeIfPresent(Bool.self, forKey: .inBandStreamErrors)
    }

    /// Applies the set fields to `options`.
    public func apply(to options: inout SimulatorOptions) {
        if let latencyMs { options.latencyMs = max(0, latencyMs) }
        if let jitterMs { options.jitterMs = max(0, jitterMs) }
        if let ttftMs { options.ttftMs = ttftMs.map { max(0, $0) } }
        if let tokensPerSecond { options.tokensPerSecond = max(0, tokensPerSecond) }
        if let errorRate { options.errorRate = min(1, max(0, errorRate)) }
        if let errorStatus { options.errorStatus = errorStatus }
        if let hang { options.hang = hang }
        if let failAfterMs { options.failAfterMs = failAfterMs }
        if let cutStreamAfterChunks { options.cutStreamAfterChunks = cutStreamAfterChunks }
        if let malformed { options.malformed = malformed }
        if let chunkCount { options.chunkCount = max(1, chunkCount) }
        if let chunkIntervalMs { options.chunkIntervalMs = chunkIntervalMs }
        if let inBandStreamErrors { options.inBandStreamErrors = inBandStreamErrors }
    }
}
