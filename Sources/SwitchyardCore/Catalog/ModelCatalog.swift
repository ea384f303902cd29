/// The model catalog: prices and context windows per (provider, model), built from the
/// embedded `catalog/models.csv` and overridable per deployment in config.
public struct ModelCatalog: Sendable {
    public let entries: [CatalogEntry]
    private let byKey: [String: CatalogEntry]
    private let byModel: [String: CatalogEntry]

    /// A line of the CSV that could not be read.
    public struct ParseError: Error, CustomStringConvertible {
        public let line: Int
        public let reason: String
        public var description: String { "catalog line \(line): \(reason)" }
    }

    /// The built-in catalog.
    public static let builtIn: ModelCatalog = (try? ModelCatalog(csv: CatalogData.csv)) ?? ModelCatalog(entries: [])

    public init(entries: [CatalogEntry]) {
        self.entries = entries
        var byKey: [String: CatalogEntry] = [:]
        var byModel: [String: CatalogEntry] = [:]
        for entry in entries {
            byKey[entry.provider + "|" + entry.model] = entry
            if byModel[entry.model] == nil { byModel[entry.model] = entry }
        }
        self.byKey = byKey
        self.byModel = byModel
    }

    /// Parses the catalog's CSV (header row first; see catalog/SOURCE.md for the columns).
    public init(csv: String) throws(ParseError) {
        var entries: [CatalogEntry] = []
        for (index, raw) in csv.split(whereSeparator: \.isNewline).enumerated() where index > 0 {
            let fields = raw.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard fields.count == 8 else { throw ParseError(line: index + 1, reason: "expected 8 fields, found \(fields.count)") }
            guard let mode = CatalogEntry.Mode(rawValue: fields[7]) else {
                throw ParseError(line: index + 1, reason: "unknown mode \"\(fields[7])\"")
            }
            entries.append(
                CatalogEntry(
                    provider: fields[0],
                    model: fields[1],
                    inputUSDPerMTok: Double(fields[2]),
                    outputUSDPerMTok: Double(fields[3]),
                    cachedInputUSDPerMTok: Double(fields[4]),
                    contextWindow: Int(fields[5]),
                    maxOutputTokens: Int(fields[6]),
                    mode: mode
                )
            )
        }
        self.init(entries: entries)
    }

    /// The catalog's provider name for a protocol (nil for local runtimes: no price).
    public static func catalogProvider(for wire: ProviderProtocol) -> String? {
        switch wire {
        case .vertex: "vertex_ai"
        case .together: "together_ai"
        case .fireworks: "fireworks_ai"
        case .qwen: "dashscope"
        case .ollama, .vllm: nil
        default: wire.rawValue
        }
    }

    /// The entry for `model` on a provider speaking `wire`: that provider's row, else the
    /// same model id under any provider (a simulated or proxying account serving it).
    public func entry(protocol wire: ProviderProtocol, model: String) -> CatalogEntry? {
        if let provider = Self.catalogProvider(for: wire), let entry = byKey[provider + "|" + model] {
            return entry
        }
        return byModel[model]
    }

    /// Distinct provider names, sorted.
    public var providers: [String] { Array(Set(entries.map(\.provider))).sorted() }
}
