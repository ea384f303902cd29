import Foundation
import Logging
import SwitchyardCore
import SwitchyardServer
import SwitchyardSimulator
import SwitchyardTesting
import Testing

/// Graceful shutdown drains in-flight requests; the committed config files are valid.
@Suite("Shutdown and shipped configs")
struct ShutdownAndConfigFilesTests {
    @Test func gracefulShutdownLetsInFlightRequestsFinish() async throws {
        var slow = SimulatorOptions(protocol: .openai)
        slow.latencyMs = 800
        let sim = try await SimulatorServer.start(slow)
        let config = GatewayConfig(
            server: ServerConfig(host: "127.0.0.1", port: 0),
            providers: [TestConfigs.provider("slow", simulator: sim)],
            models: [TestConfigs.model("m", on: ["slow"])]
        )
        let gateway = try await RunningGateway.start(config)
        let inFlight = Task {
            try await TestHTTPClient.shared.post(gateway.baseURL + "/v1/chat/completions", body: #"{"model":"m","messages":[{"role":"user","content":"x"}]}"#)
        }
        let arrived = await Harness.eventually { sim.server.stats().inFlight == 1 }
        #expect(arrived)
        await gateway.stop()  // as SIGTERM would: stop accepting, drain, exit
        let reply = try await inFlight.value
        #expect(reply.status == 200, "an in-flight request is answered during the drain")
        await sim.stop()
    }

    static var root: URL {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 { url.deleteLastPathComponent() }
        return url
    }

    @Test(arguments: ["config/demo.yaml", "config/switchyard.yaml"])
    func shippedConfigsAreValid(path: String) throws {
        let loaded = try ConfigLoader.load(path: Self.root.appendingPathComponent(path).path, environment: [:])
        #expect(!loaded.config.providers.isEmpty)
        if path.hasSuffix("switchyard.yaml") {
            // No keys in the environment: the real providers are disabled with warnings, not errors.
            #expect(loaded.config.providers.contains { !$0.enabled })
            #expect(!loaded.warnings.isEmpty)
            #expect(loaded.warnings.allSatisfy { !$0.contains("sk-") })
        }
    }

    @Test func demoConfigServesWithoutKeys() async throws {
        let loaded = try ConfigLoader.load(path: Self.root.appendingPathComponent("config/demo.yaml").path, environment: [:])
        let gateway = try await RunningGateway.start(loaded.config)
        let reply = try await TestHTTPClient.shared.post(
            gateway.baseURL + "/v1/chat/completions",
            body: #"{"model":"support-bot","messages":[{"role":"user","content":"hi"}],"max_tokens":4}"#
        )
        #expect(reply.status == 200)
        let ready = try await TestHTTPClient.shared.get(gateway.baseURL + "/health/ready")
        #expect(ready.status == 200)
        await gateway.stop()
    }
}
