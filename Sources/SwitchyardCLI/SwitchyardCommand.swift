import ArgumentParser

/// The `switchyard` executable: a self-hosted LLM gateway and its tools.
@main
struct SwitchyardCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "switchyard",
        abstract: "A self-hosted LLM gateway: one base URL and one key in front of every provider.",
        subcommands: [ServeCommand.self, CheckConfigCommand.self, CatalogCommand.self, SimulateCommand.self]
    )
}
