import Foundation
import SwitchyardCore
import SwitchyardSimulator
import SwitchyardTesting
import Testing

/// The official Python SDKs, unchanged but for base_url/api_key, against a live gateway
/// (Tests/clients). Runs when python3 has the SDKs; CI sets
/// SWITCHYARD_REQUIRE_PYTHON_CLIENTS=1 so a missing SDK fails instead of skipping.
@Suite("Python SDK drop-in clients")
struct PythonClientTests {
    static let required = ProcessInfo.processInfo.environment["SWITCHYARD_REQUIRE_PYTHON_CLIENTS"] == "1"
    static let available = PythonRunner.canImport("openai") && PythonRunner.canImport("anthropic") && PythonRunner.canImport("pytest")

    @Test(.enabled(if: required || available, "python3 with openai and pytest not installed"))
    func officialSDKs() async throws {
        #expect(Self.available, "python3 -m pip install -r Tests/clients/requirements.txt")
        var failing = SimulatorOptions(protocol: .openai)
        failing.errorRate = 1
        failing.errorStatus = 500
        let simulators: [String: SimulatorOptions] = [
            "sim-a": SimulatorOptions(protocol: .openai), "sim-bad": failing,
            "sim-claude": SimulatorOptions(protocol: .anthropic), "sim-gemini": SimulatorOptions(protocol: .gemini),
            "sim-bedrock": SimulatorOptions(protocol: .bedrock),
        ]
        try await Harness.withGateway(simulators: simulators, { sims in
            guard let a = sims["sim-a"], let bad = sims["sim-bad"], let claude = sims["sim-claude"],
                let gemini = sims["sim-gemini"], let bedrock = sims["sim-bedrock"]
            else { return ([], [], []) }
            return (
                [
                    TestConfigs.provider("sim-a", simulator: a), TestConfigs.provider("sim-bad", simulator: bad),
                    CrossProtocolTests.provider("sim-claude", "anthropic", claude),
                    CrossProtocolTests.provider("sim-gemini", "gemini", gemini),
                    CrossProtocolTests.provider("sim-bedrock", "bedrock", bedrock),
                ],
                [
                    TestConfigs.model("gpt-4o-mini", on: ["sim-a"]),
                    TestConfigs.model("broken-model", on: ["sim-bad"]),
                    TestConfigs.model("text-embedding-3-small", on: ["sim-a"], upstream: "text-embedding-3-small"),
                    TestConfigs.model("claude-model", on: ["sim-claude"], upstream: "claude-sonnet-4-5"),
                    TestConfigs.model("gemini-model", on: ["sim-gemini"], upstream: "gemini-2.5-flash"),
                    TestConfigs.model("bedrock-model", on: ["sim-bedrock"], upstream: "anthropic.claude-3-haiku-20240307-v1:0"),
                ],
                // A roomy SLA: the SDK test checks the failover and its headers, and under
                // AddressSanitizer a failover once took longer than the default 2 s (a 504).
                [RouteConfig(name: "failover-route", strategy: .priority, slaMs: 15_000, targets: ["broken-model", "gpt-4o-mini"])]
            )
        }) { gateway, _ in
            let result = try await PythonRunner.pytest(
                ["Tests/clients/test_openai_sdk.py", "Tests/clients/test_every_protocol.py", "Tests/clients/test_anthropic_sdk.py"],
                environment: ["SWITCHYARD_BASE_URL": gateway.baseURL + "/v1", "SWITCHYARD_API_KEY": Harness.clientKey]
            )
            #expect(result.status == 0, "pytest output:\n\(result.output)")
            // The SDK runs' own summary, for the CI log.
            let summary = result.output.split(separator: "\n").last { $0.contains("passed") || $0.contains("failed") }
            print("Python SDK clients: \(summary ?? "no summary")")
        }
    }
}

/// Runs python3 from the package root.
enum PythonRunner {
    /// The package root, found from this file's path.
    static let packageRoot: URL = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
        }
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    }()

    static func canImport(_ module: String) -> Bool {
        (try? runSync(["python3", "-c", "import \(module)"]).status) == 0
    }

    static func pytest(_ path: String, environment: [String: String]) async throws -> (status: Int32, output: String) {
        try await pytest([path], environment: environment)
    }

    static func pytest(_ paths: [String], environment: [String: String]) async throws -> (status: Int32, output: String) {
        // On a thread of its own: blocking a cooperative-pool thread (2 here) can starve the
        // in-process gateway the child process is talking to.
        try await OffPool.run {
            try runSync(["python3", "-m", "pytest", "-q", "-p", "no:cacheprovider"] + paths, environment: environment)
        }
    }

    static func runSync(_ arguments: [String], environment: [String: String] = [:]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        process.currentDirectoryURL = packageRoot
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
