import ArgumentParser
import Foundation
import SwitchyardCore

/// `switchyard catalog`: the model catalog (prices per million tokens, context windows).
struct CatalogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "catalog", abstract: "Print the model catalog.")

    @Option(name: .long, help: "Only this provider (catalog name, e.g. openai, vertex_ai, bedrock).")
    var provider: String?

    @Flag(name: .long, help: "JSON instead of a table.")
    var json = false

    func run() throws {
        let catalog = ModelCatalog.builtIn
        let entries = catalog.entries.filter { provider == nil || $0.provider == provider }
        if let provider, entries.isEmpty {
            throw ValidationError("no provider \"\(provider)\" in the catalog; known: \(catalog.providers.joined(separator: ", "))")
        }
        if json {
            print(Self.json(entries))
        } else {
            print(Self.table(entries))
            print("\(entries.count) models from \(Set(entries.map(\.provider)).count) providers")
        }
    }

    static func price(_ value: Double?) -> String {
        guard let value else { return "-" }
        var text = String(format: "%.4f", value)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }

    static func table(_ entries: [CatalogEntry]) -> String {
        let header = ["provider", "model", "$/M in", "$/M out", "$/M cached", "context"]
        let rows = entries.map {
            [$0.provider, $0.model, price($0.inputUSDPerMTok), price($0.outputUSDPerMTok), price($0.cachedInputUSDPerMTok), $0.contextWindow.map(String.init) ?? "-"]
        }
        let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { index, cell in
                index < 2 ? cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
                    : String(repeating: " ", count: widths[index] - cell.count) + cell
            }.joined(separator: "  ")
        }
        return ([line(header)] + rows.map(line)).joined(separator: "\n")
    }

    static func json(_ entries: [CatalogEntry]) -> String {
        let objects = entries.map { entry -> String in
            func number(_ value: Double?) -> String { value.map { String($0) } ?? "null" }
            return #"{"provider":"# + JSONString.encode(entry.provider) + #","model":"# + JSONString.encode(entry.model)
                + #","input_usd_per_mtok":\#(number(entry.inputUSDPerMTok)),"output_usd_per_mtok":\#(number(entry.outputUSDPerMTok))"#
                + #","cached_input_usd_per_mtok":\#(number(entry.cachedInputUSDPerMTok))"#
                + #","context_window":\#(entry.contextWindow.map(String.init) ?? "null"),"mode":"\#(entry.mode.rawValue)"}"#
        }
        return "[" + objects.joined(separator: ",\n") + "]"
    }
}
