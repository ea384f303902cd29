import Synchronization
import SwitchyardCore

/// The server's view of the routing core: one `RoutePicker` per plan, over the shared
/// deployment health, built once for configured routes and models and cached for
/// `provider/model` plans.
final class RoutePlanner: Sendable {
    let registry: HealthRegistry
    private let pickers: Mutex<[String: RoutePicker]>
    private let prices: @Sendable (Deployment) -> Double?

    init(registry: HealthRegistry, prices: @escaping @Sendable (Deployment) -> Double? = { _ in nil }) {
        self.registry = registry
        self.pickers = Mutex([:])
        self.prices = prices
    }

    /// The picker for `plan`; its targets are `plan.deployments` in order.
    func picker(for plan: RoutePlan) -> RoutePicker {
        if let cached = pickers.withLock({ $0[plan.name] }) { return cached }
        let targets = plan.deployments.map { deployment in
            RoutePicker.Target(
                health: registry.health(for: deployment),
                pricePerMillionTokens: prices(deployment),
                weight: deployment.weight
            )
        }
        let picker = RoutePicker(strategy: plan.strategy, targets: targets)
        return pickers.withLock { pickers in
            if let existing = pickers[plan.name] { return existing }
            pickers[plan.name] = picker
            return picker
        }
    }
}
