import ArgumentParser
import Foundation
import Logging
import SwitchyardCore
import SwitchyardServer

/// `switchyard serve`: runs the gateway until SIGINT/SIGTERM.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "serve", abstract: "Run the gateway.")

    @Option(name: .long, help: "Configuration file.")
    var config: String = "config/switchyard.yaml"

    @Option(name: .long, help: "Listen address (overrides server.host).")
    var host: String?

    @Option(name: .long, help: "Listen port (overrides server.port; 0 picks a free one).")
    var port: Int?

    @Option(name: .long, help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String = ProcessInfo.processInfo.environment["LOG_LEVEL"] ?? "info"

    func run() async throws {
        let logger = LogBootstrap.bootstrap(level: logLevel)
        let loaded: LoadedConfig
        do {
            loaded = try ConfigLoader.load(path: config, environment: ProcessInfo.processInfo.environment)
        } catch {
            FileHandle.standardError.write(Data("switchyard: invalid configuration \(config):\n\(error)\n".utf8))
            throw ExitCode(1)
        }
        for warning in loaded.warnings {
            logger.warning("\(warning)")
        }
        var gatewayConfig = loaded.config
        if let host { gatewayConfig.server.host = host }
        if let port { gatewayConfig.server.port = port }
        try await Gateway.run(config: gatewayConfig, logger: logger, metrics: LogBootstrap.bootstrapMetrics())
    }
}
