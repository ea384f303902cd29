/// One deployment as the scheduler sees it: live health plus the route's static data.
public struct RoutingCandidate: Sendable, Equatable {
    /// Live health at the moment of the pick.
    public var snapshot: DeploymentSnapshot
    /// Catalog price, input plus output dollars per million tokens; nil when unknown
    /// (sorted after every known price by `cost`).
    public var pricePerMillionTokens: Double?
    /// Relative weight for `weighted` (non-positive weights are never drawn).
    public var weight: Double

    /// Creates a candidate.
    public init(snapshot: DeploymentSnapshot, pricePerMillionTokens: Double? = nil, weight: Double = 1) {
        self.snapshot = snapshot
        self.pricePerMillionTokens = pricePerMillionTokens
        self.weight = weight
    }
}
