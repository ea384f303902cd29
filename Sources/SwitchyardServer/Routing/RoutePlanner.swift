import Synchronization
import SwitchyardCore

/// The server's view of the routing core: one `RoutePicker` per plan, over the shared
/// deployment health. Pickers of configured routes and models are built at start-up and
/// read without a lock; `provider/model` plans are built on first use and cached.
final class RoutePlanner: Sendable {
    let registry: HealthRegistry
    private let configured: [String: RoutePicker]
    private let direct: Mutex<[String: RoutePicker]>
    private let prices: @Sendable (Deployment) -> Double?

    init(
        registry: HealthRegistry,
        resolver: ModelResolver,
        prices: @escaping @Sendable (Deployment) -> Double? = { _ in nil }
    ) {
        self.registry = registry
        self.prices = prices
        var configured: [String: RoutePicker] = [:]
        for name in resolver.publicNames {
            if let plan = resolver.resolve(name) {
                configured[name] = Self.makePicker(plan, registry: registry, prices: prices)
            }
        }
        self.configured = configured
        self.direct = Mutex([:])
    }

    /// The picker for `plan`; its targets are `plan.deployments` in order.
    func picker(for plan: RoutePlan) -> RoutePicker {
        if plan.kind != .direct, let picker = configured[plan.name] { return picker }
        return direct.withLock { pickers in
            if let existing = pickers[plan.name] { return existing }
            let picker = Self.makePicker(plan, registry: registry, prices: prices)
            pickers[plan.name] = picker
            return picker
        }
    }

    private static func makePicker(
        _ plan: RoutePlan, registry: HealthRegistry, prices: @Sendable (Deployment) -> Double?
    ) -> RoutePicker {
        let targets = plan.deployments.map { deployment in
            RoutePicker.Target(
                health: registry.health(for: deployment),
                pricePerMillionTokens: prices(deployment),
                weight: deployment.weight
            )
        }
        return RoutePicker(strategy: plan.strategy, targets: targets)
    }
}
