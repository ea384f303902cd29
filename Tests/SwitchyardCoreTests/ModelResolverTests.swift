import SwitchyardCore
import Testing

@Suite("ModelResolver: route > model > provider/model (SPEC §2)")
struct ModelResolverTests {
    static let providers = [
        ProviderConfig(name: "openai"),
        ProviderConfig(name: "azure-eu", protocolName: "azure"),
        ProviderConfig(name: "anthropic", protocolName: "anthropic"),
        ProviderConfig(name: "openrouter", protocolName: "openrouter"),
        ProviderConfig(name: "gemini", protocolName: "gemini", enabled: false),
    ]

    static let models = [
        ModelConfig(
            name: "gpt-4o",
            deployments: [
                DeploymentConfig(provider: "openai", model: "gpt-4o"),
                DeploymentConfig(provider: "azure-eu", model: "my-gpt4o-deployment"),
            ]),
        ModelConfig(
            name: "claude-3-5-sonnet-20241022",
            deployments: [DeploymentConfig(provider: "anthropic", model: "claude-3-5-sonnet-20241022")]),
        ModelConfig(
            name: "gemini-2.0-flash",
            deployments: [DeploymentConfig(provider: "gemini", model: "gemini-2.0-flash")]),
        ModelConfig(
            name: "mini",
            deployments: [
                DeploymentConfig(provider: "openai", model: "gpt-4o-mini"),
                DeploymentConfig(provider: "gemini", model: "gemini-2.0-flash-lite"),
                DeploymentConfig(provider: "openai", model: "gpt-4o-mini"),
            ]),
    ]

    static func resolver(routes: [RouteConfig] = [], models: [ModelConfig] = models) -> ModelResolver {
        ModelResolver(config: GatewayConfig(providers: providers, models: models, routes: routes))
    }

    static let supportBot = RouteConfig(
        name: "support-bot", strategy: .weighted, slaMs: 1500,
        targets: ["gpt-4o", "claude-3-5-sonnet-20241022", "gemini-2.0-flash"], weights: [3, 1, 1],
        maxAttempts: 2, retryOn: [.rateLimited, .timeout], hedge: .afterMs(800), streamIdleTimeoutMs: 10_000)

    @Test func modelNameResolvesToItsDeployments() throws {
        let plan = try #require(Self.resolver().resolve("gpt-4o"))
        #expect(plan.kind == .model)
        #expect(plan.name == "gpt-4o")
        #expect(plan.strategy == .latency)
        #expect(plan.deployments == [
            Deployment(provider: "openai", model: "gpt-4o"),
            Deployment(provider: "azure-eu", model: "my-gpt4o-deployment"),
        ])
    }

    @Test func routeCarriesItsSettings() throws {
        let plan = try #require(Self.resolver(routes: [Self.supportBot]).resolve("support-bot"))
        #expect(plan.kind == .route)
        #expect(plan.strategy == .weighted)
        #expect(plan.slaMs == 1500)
        #expect(plan.maxAttempts == 2)
        #expect(plan.retryOn == [.rateLimited, .timeout])
        #expect(plan.hedge == .afterMs(800))
        #expect(plan.streamIdleTimeoutMs == 10_000)
    }

    @Test func routeWinsOverModelOfTheSameName() throws {
        let shadow = RouteConfig(name: "gpt-4o", targets: ["claude-3-5-sonnet-20241022"])
        let plan = try #require(Self.resolver(routes: [shadow]).resolve("gpt-4o"))
        #expect(plan.kind == .route)
        #expect(plan.deployments.map(\.provider) == ["anthropic"])
    }

    @Test func modelWinsOverDirectProviderSlashModel() throws {
        let models = Self.models + [
            ModelConfig(name: "openai/gpt-4o", deployments: [DeploymentConfig(provider: "azure-eu", model: "dep")])
        ]
        let plan = try #require(Self.resolver(models: models).resolve("openai/gpt-4o"))
        #expect(plan.kind == .model)
        #expect(plan.deployments == [Deployment(provider: "azure-eu", model: "dep")])
    }

    @Test func directProviderSlashModel() throws {
        let plan = try #require(Self.resolver().resolve("anthropic/claude-3-5-haiku-20241022"))
        #expect(plan.kind == .direct)
        #expect(plan.name == "anthropic/claude-3-5-haiku-20241022")
        #expect(plan.deployments == [Deployment(provider: "anthropic", model: "claude-3-5-haiku-20241022")])
    }

    @Test func directSplitsAtTheFirstSlashOnly() throws {
        let plan = try #require(Self.resolver().resolve("openrouter/openai/gpt-4o"))
        #expect(plan.deployments == [Deployment(provider: "openrouter", model: "openai/gpt-4o")])
    }

    @Test(arguments: [
        "unknown/gpt-4o", "gemini/gemini-2.0-flash", "gpt-5", "", "/gpt-4o", "openai/", "openai", "GPT-4O",
    ])
    func unresolvableNamesGiveNil(name: String) {
        #expect(Self.resolver().resolve(name) == nil)
    }

    @Test func disabledProvidersDeploymentsAreDropped() throws {
        let resolver = Self.resolver()
        let gemini = try #require(resolver.resolve("gemini-2.0-flash"))
        #expect(gemini.deployments.isEmpty)
        let mini = try #require(resolver.resolve("mini"))
        #expect(mini.deployments == [Deployment(provider: "openai", model: "gpt-4o-mini")])
    }

    @Test func routeWeightIsSplitAcrossATargetsDeployments() throws {
        let plan = try #require(Self.resolver(routes: [Self.supportBot]).resolve("support-bot"))
        #expect(plan.deployments.map(\.id) == [
            "openai/gpt-4o", "azure-eu/my-gpt4o-deployment", "anthropic/claude-3-5-sonnet-20241022",
        ])
        #expect(plan.deployments.map(\.weight) == [1.5, 1.5, 1])
    }

    @Test func missingWeightsDefaultToOneAndDirectTargetsKeepTheirWeight() throws {
        let route = RouteConfig(
            name: "r", strategy: .weighted, targets: ["gpt-4o", "openrouter/meta-llama/llama-3.3-70b", "anthropic/x"],
            weights: [4, 2])
        let plan = try #require(Self.resolver(routes: [route]).resolve("r"))
        #expect(plan.deployments == [
            Deployment(provider: "openai", model: "gpt-4o", weight: 2),
            Deployment(provider: "azure-eu", model: "my-gpt4o-deployment", weight: 2),
            Deployment(provider: "openrouter", model: "meta-llama/llama-3.3-70b", weight: 2),
            Deployment(provider: "anthropic", model: "x", weight: 1),
        ])
    }

    @Test func duplicateDeploymentsAcrossTargetsAreDedupedKeepingTheirShare() throws {
        let route = RouteConfig(
            name: "r", strategy: .weighted, targets: ["gpt-4o", "openai/gpt-4o", "gpt-4o"], weights: [2, 3, 5])
        let plan = try #require(Self.resolver(routes: [route]).resolve("r"))
        #expect(plan.deployments.map(\.id) == ["openai/gpt-4o", "azure-eu/my-gpt4o-deployment"])
        // openai: 1 (half of 2) + 3 + 2.5 (half of 5); azure: 1 + 2.5. Total = 10 = sum of weights.
        #expect(plan.deployments.map(\.weight) == [6.5, 3.5])
    }

    @Test func duplicateDeploymentsWithinAModelAreDeduped() throws {
        let plan = try #require(Self.resolver(routes: [RouteConfig(name: "r", targets: ["mini"])]).resolve("r"))
        #expect(plan.deployments == [Deployment(provider: "openai", model: "gpt-4o-mini")])
    }

    @Test func routeTargetsThatResolveToNothingAreSkipped() throws {
        let route = RouteConfig(name: "r", targets: ["gemini-2.0-flash", "gemini/x", "nope", "claude-3-5-sonnet-20241022"])
        let plan = try #require(Self.resolver(routes: [route]).resolve("r"))
        #expect(plan.deployments.map(\.id) == ["anthropic/claude-3-5-sonnet-20241022"])
    }

    @Test func publicNamesListRoutesThenModelsInDeclarationOrder() {
        let routes = [
            Self.supportBot, RouteConfig(name: "cheap", targets: ["mini"]), RouteConfig(name: "mini", targets: ["gpt-4o"]),
        ]
        #expect(Self.resolver(routes: routes).publicNames == [
            "support-bot", "cheap", "mini", "gpt-4o", "claude-3-5-sonnet-20241022", "gemini-2.0-flash",
        ])
    }
}
