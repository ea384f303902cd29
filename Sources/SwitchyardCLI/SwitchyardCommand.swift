import ArgumentParser
import Foundation
import NIOCore
import NIOPosix

/// The `switchyard` executable: a self-hosted LLM gateway and its tools.
@main
struct SwitchyardCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "switchyard",
        abstract: "A self-hosted LLM gateway: one base URL and one key in front of every provider.",
        subcommands: [ServeCommand.self, CheckConfigCommand.self, CatalogCommand.self, SimulateCommand.self]
    )

    /// Runs Swift Concurrency's jobs on NIO's event loops before any command starts, so a
    /// request's tasks and its socket I/O share threads instead of hopping between NIO's
    /// loops and the global pool at every `await` (see README, Performance).
    /// `SWITCHYARD_NIO_EXECUTOR=0` keeps the default global pool.
    static func main() async {
        if ProcessInfo.processInfo.environment["SWITCHYARD_NIO_EXECUTOR"] != "0" {
            NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
        }
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}
