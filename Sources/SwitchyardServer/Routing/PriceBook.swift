import SwitchyardCore

/// Each deployment's catalog entry (prices, context window) with the config's overrides
/// applied, resolved once at start-up; `provider/model` deployments are looked up on use.
struct PriceBook: Sendable {
    let catalog: ModelCatalog
    private let protocols: [String: ProviderProtocol]
    private let configured: [String: CatalogEntry]

    init(config: GatewayConfig, catalog: ModelCatalog = .builtIn) {
        self.catalog = catalog
        var protocols: [String: ProviderProtocol] = [:]
        for provider in config.providers {
            protocols[provider.name] = ProviderProtocol(rawValue: provider.protocolName)
        }
        self.protocols = protocols
        var configured: [String: CatalogEntry] = [:]
        for model in config.models {
            for deployment in model.deployments {
                let id = Deployment(provider: deployment.provider, model: deployment.model).id
                let base = protocols[deployment.provider].flatMap { catalog.entry(protocol: $0, model: deployment.model) }
                if let pricing = deployment.pricing {
                    configured[id] = pricing.applied(to: base, provider: deployment.provider, model: deployment.model)
                } else if let base {
                    configured[id] = base
                }
            }
        }
        self.configured = configured
    }

    /// The entry for `deployment`, if its prices are known.
    func entry(for deployment: Deployment) -> CatalogEntry? {
        if let entry = configured[deployment.id] { return entry }
        return protocols[deployment.provider].flatMap { catalog.entry(protocol: $0, model: deployment.model) }
    }

    /// USD cost of `usage` on `deployment`; nil when a price is unknown.
    func cost(_ usage: TokenUsage, on deployment: Deployment) -> Double? {
        entry(for: deployment)?.cost(of: usage)
    }

    /// `x-switchyard-cost-usd`'s value: dollars with 8 decimals, trailing zeros trimmed.
    static func format(_ cost: Double) -> String {
        var text = String(format: "%.8f", cost)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }
}
