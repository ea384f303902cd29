import SwitchyardCore
import Yams

extension ConfigLoader {
    static let deploymentKeys = ["provider", "model"]
    static let pricingKeys = ["input_usd_per_mtok", "output_usd_per_mtok", "cached_input_usd_per_mtok", "context_window"]

    /// Every declared model name (valid or not, for route checks) and the valid models.
    struct ReadModels {
        var declaredNames: Set<String> = []
        var valid: [ModelConfig] = []
    }

    /// Reads `models:`: public name -> list of `{provider, model}`.
    static func readModels(
        _ node: Node?, at path: ConfigPath, directory: ProviderDirectory, reader: ConfigNodeReader
    ) -> ReadModels {
        var result = ReadModels()
        guard let node, let entries = reader.entries(node, at: path) else { return result }
        for (name, value) in entries {
            let entryPath = path.key(name)
            result.declaredNames.insert(name)
            if name.isEmpty {
                reader.diagnostics.error(entryPath, "model names must not be empty")
            }
            if ConfigNodeReader.isNull(value) {
                reader.diagnostics.error(entryPath, "expected a list of deployments")
                continue
            }
            guard let items = reader.sequence(value, at: entryPath) else { continue }
            if items.isEmpty {
                reader.diagnostics.error(entryPath, "expected at least one deployment")
            }
            var deployments: [DeploymentConfig] = []
            for (index, item) in items.enumerated() {
                let itemPath = entryPath.index(index)
                if let deployment = readDeployment(item, at: itemPath, directory: directory, reader: reader) {
                    deployments.append(deployment)
                }
            }
            result.valid.append(ModelConfig(name: name, deployments: deployments))
        }
        return result
    }

    private static func readDeployment(
        _ node: Node, at path: ConfigPath, directory: ProviderDirectory, reader: ConfigNodeReader
    ) -> DeploymentConfig? {
        guard let item = reader.mapping(node, at: path, allowed: deploymentKeys + pricingKeys) else { return nil }
        let provider = item.string("provider")
        let model = item.string("model")
        for key in deploymentKeys where item.node(key) == nil {
            item.requireMissing(key)
        }
        guard let provider, let model else { return nil }
        if model.isEmpty {
            item.diagnostics.error(item.path("model"), "must not be empty")
        }
        if !directory.isDeclared(provider) {
            item.diagnostics.error(item.path("provider"), "unknown provider \"\(provider)\"")
            return nil
        }
        if directory.isDisabled(provider) {
            item.diagnostics.warn(
                item.path("provider"), "provider \"\(provider)\" is disabled; this deployment will not be used")
        }
        var pricing: PricingOverride?
        if pricingKeys.contains(where: { item.node($0) != nil }) {
            pricing = PricingOverride(
                inputUSDPerMTok: item.double("input_usd_per_mtok", minimum: 0),
                outputUSDPerMTok: item.double("output_usd_per_mtok", minimum: 0),
                cachedInputUSDPerMTok: item.double("cached_input_usd_per_mtok", minimum: 0),
                contextWindow: item.int("context_window", minimum: 1)
            )
        }
        return DeploymentConfig(provider: provider, model: model, pricing: pricing)
    }
}
