/// Maps a request's `model` string to a `RoutePlan`, in SPEC §2's order: a route name, a
/// model name, then `PROVIDER/UPSTREAM_MODEL` sent straight to that provider.
///
/// Route and model plans are built once from the config; resolving is a dictionary lookup.
public struct ModelResolver: Sendable {
    private let plans: [String: RoutePlan]
    private let enabledProviders: Set<String>
    /// Public names (routes, then models) a client may use, in declaration order.
    public let publicNames: [String]

    public init(config: GatewayConfig) {
        let enabled = Set(config.providers.filter(\.enabled).map(\.name))
        self.enabledProviders = enabled
        var plans: [String: RoutePlan] = [:]
        var names: [String] = []

        /// Enabled deployments, each once (a model may list one twice).
        func usable(_ deployments: [DeploymentConfig], weight: Double) -> [Deployment] {
            var seen = Set<String>()
            return deployments.filter { enabled.contains($0.provider) }.map {
                Deployment(provider: $0.provider, model: $0.model, weight: weight)
            }.filter { seen.insert($0.id).inserted }
        }
        let modelsByName = Dictionary(config.models.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })

        for model in config.models {
            let deployments = usable(model.deployments, weight: 1)
            plans[model.name] = RoutePlan(name: model.name, kind: .model, deployments: deployments)
            names.append(model.name)
        }
        for route in config.routes {
            var deployments: [Deployment] = []
            var position: [String: Int] = [:]
            for (index, target) in route.targets.enumerated() {
                let weight = index < route.weights.count ? route.weights[index] : 1
                let expanded: [Deployment]
                if let model = modelsByName[target] {
                    let own = usable(model.deployments, weight: 1)
                    // A target's weight is shared by its deployments.
                    expanded = own.map {
                        Deployment(provider: $0.provider, model: $0.model, weight: weight / Double(max(own.count, 1)))
                    }
                } else if let direct = Self.splitDirect(target), enabled.contains(direct.provider) {
                    expanded = [Deployment(provider: direct.provider, model: direct.model, weight: weight)]
                } else {
                    expanded = []
                }
                for deployment in expanded {
                    if let at = position[deployment.id] {
                        // Listed under two targets: one candidate carrying both shares,
                        // so the weighted split still matches the configured weights.
                        let first = deployments[at]
                        deployments[at] = Deployment(
                            provider: first.provider, model: first.model, weight: first.weight + deployment.weight)
                    } else {
                        position[deployment.id] = deployments.count
                        deployments.append(deployment)
                    }
                }
            }
            plans[route.name] = RoutePlan(
                name: route.name,
                kind: .route,
                strategy: route.strategy,
                slaMs: route.slaMs,
                deployments: deployments,
                maxAttempts: route.maxAttempts,
                retryOn: route.retryOn,
                hedge: route.hedge,
                streamIdleTimeoutMs: route.streamIdleTimeoutMs
            )
        }
        self.plans = plans
        self.publicNames = config.routes.map(\.name) + names.filter { name in !config.routes.contains { $0.name == name } }
    }

    /// The plan for `model`, or nil when the name resolves to nothing (a 404).
    public func resolve(_ model: String) -> RoutePlan? {
        if let plan = plans[model] { return plan }
        guard let direct = Self.splitDirect(model), enabledProviders.contains(direct.provider) else {
            return nil
        }
        return RoutePlan(
            name: model,
            kind: .direct,
            deployments: [Deployment(provider: direct.provider, model: direct.model)]
        )
    }

    /// Splits `provider/upstream-model` at the first slash (upstream ids may contain more).
    static func splitDirect(_ name: String) -> (provider: String, model: String)? {
        guard let slash = name.firstIndex(of: "/") else { return nil }
        let provider = String(name[..<slash])
        let model = String(name[name.index(after: slash)...])
        guard !provider.isEmpty, !model.isEmpty else { return nil }
        return (provider, model)
    }
}
