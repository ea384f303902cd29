/// One place a request can be sent: a configured provider and the model id it knows.
public struct Deployment: Sendable, Hashable, CustomStringConvertible {
    /// The provider's config name (`openai`, `azure-eu`, `fast-sim`).
    public let provider: String
    /// The upstream model id sent to that provider.
    public let model: String
    /// Relative weight for the `weighted` strategy.
    public let weight: Double

    public init(provider: String, model: String, weight: Double = 1) {
        self.provider = provider
        self.model = model
        self.weight = weight
    }

    /// Stable identity used for health data: `provider/model`.
    public var id: String { "\(provider)/\(model)" }

    public var description: String { id }
}
