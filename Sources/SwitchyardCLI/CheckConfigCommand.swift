import ArgumentParser
import Foundation
import SwitchyardServer

/// `switchyard check-config`: parses and validates a config, printing every problem with
/// its YAML path; exits 1 if there is any.
struct CheckConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "check-config", abstract: "Validate a configuration file.")

    @Option(name: .long, help: "Configuration file.")
    var config: String = "config/switchyard.yaml"

    func run() throws {
        do {
            let loaded = try ConfigLoader.load(path: config, environment: ProcessInfo.processInfo.environment)
            for warning in loaded.warnings {
                print("warning: \(warning)")
            }
            let summary = loaded.config
            print(
                "\(config): ok (\(summary.providers.count) providers, \(summary.models.count) models, \(summary.routes.count) routes)"
            )
        } catch {
            FileHandle.standardError.write(Data((error.formatProblems() + "\n").utf8))
            throw ExitCode(1)
        }
    }
}
