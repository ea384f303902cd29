import Synchronization
import SwitchyardCore

/// The live health of every deployment, keyed by `provider/model`: one `DeploymentHealth`
/// each, shared by traffic, probes, the scheduler and `/health`.
///
/// Configured deployments are created up front; `provider/model` requests and probe models
/// add theirs on first use.
final class HealthRegistry: Sendable {
    private let entries: Mutex<[String: Entry]>
    private let probes: Mutex<[String: ProbeStatus]>
    private let configuration: DeploymentHealth.Configuration

    /// One deployment's health with its identity.
    struct Entry: Sendable {
        let deployment: Deployment
        let health: DeploymentHealth
    }

    /// The last active probe of a provider, for `/health`.
    struct ProbeStatus: Sendable, Equatable {
        /// Wall-clock time of the probe, seconds since 1970.
        let at: Double
        let ok: Bool
        /// HTTP status, or the failure class when there was none.
        let status: String
        let latencyMs: Double
    }

    init(config: GatewayConfig) {
        let configuration = config.health
        self.configuration = configuration
        var entries: [String: Entry] = [:]
        for model in config.models {
            for deployment in model.deployments {
                let id = Deployment(provider: deployment.provider, model: deployment.model)
                if entries[id.id] == nil {
                    entries[id.id] = Entry(deployment: id, health: DeploymentHealth(configuration: configuration))
                }
            }
        }
        self.entries = Mutex(entries)
        self.probes = Mutex([:])
    }

    /// The health of `deployment`, created on first use.
    func health(for deployment: Deployment) -> DeploymentHealth {
        entries.withLock { entries in
            if let entry = entries[deployment.id] { return entry.health }
            let identity = Deployment(provider: deployment.provider, model: deployment.model)
            let entry = Entry(deployment: identity, health: DeploymentHealth(configuration: configuration))
            entries[deployment.id] = entry
            return entry.health
        }
    }

    /// Every deployment of `provider`, in a stable order.
    func entries(ofProvider provider: String) -> [Entry] {
        entries.withLock { entries in
            entries.values.filter { $0.deployment.provider == provider }.sorted { $0.deployment.model < $1.deployment.model }
        }
    }

    func recordProbe(provider: String, status: ProbeStatus) {
        probes.withLock { $0[provider] = status }
    }

    func lastProbe(provider: String) -> ProbeStatus? {
        probes.withLock { $0[provider] }
    }
}
