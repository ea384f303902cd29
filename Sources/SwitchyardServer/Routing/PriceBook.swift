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
    ///
    /// In integers: Foundation's `String(format:)` costs about 3 µs a call here, on every
    /// priced answer. A value that is not a finite, non-negative amount under 40 million
    /// dollars (never a real cost) still goes through `String(format:)`.
    static func format(_ cost: Double) -> String {
        let scaled = cost * 100_000_000
        // Below 2^52 every `whole + 0.5` is exact, which the tie test needs.
        guard cost.isFinite, cost >= 0, scaled < 4e15 else { return formatSlowly(cost) }
        // Rounded as printf rounds: on the exact value of `cost`, not on `scaled`, which is
        // rounded already (costs such as 555 tokens at $0.075 per million sit exactly
        // between two 8-decimal values in decimal, not in binary). The fused multiply-add
        // gives the sign of `cost × 10^8 − (floor + 0.5)` exactly.
        let floor = scaled.rounded(.down)
        let aboveHalf = (-(floor + 0.5)).addingProduct(cost, 100_000_000)
        var units = UInt64(floor)
        if aboveHalf > 0 || (aboveHalf == 0 && units % 2 == 1) { units += 1 }
        let whole = units / 100_000_000
        var fraction = units % 100_000_000
        guard fraction > 0 else { return String(whole) }
        var digits = 8
        while fraction % 10 == 0 {
            fraction /= 10
            digits -= 1
        }
        let fractionText = String(fraction)
        return String(whole) + "." + String(repeating: "0", count: digits - fractionText.utf8.count) + fractionText
    }

    /// The reference formatting, for values `format` does not take.
    static func formatSlowly(_ cost: Double) -> String {
        var text = String(format: "%.8f", cost)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }
}
