import Foundation
import SwitchyardCore
import Yams

/// A configuration that passed validation, with what the operator should be told about it.
public struct LoadedConfig: Sendable, Equatable {
    /// The validated configuration, defaults applied.
    public var config: GatewayConfig
    /// Things that do not stop the gateway (a provider disabled for lack of a key, auth off, ...),
    /// each `path: message`; never containing secret values.
    public var warnings: [String]

    /// Wraps a configuration and its warnings.
    public init(config: GatewayConfig, warnings: [String]) {
        self.config = config
        self.warnings = warnings
    }
}

/// Loads and validates the gateway's YAML configuration (SPEC §2).
///
/// Walks the YAML node tree, interpolating `${ENV}` references before converting values, and
/// reports every problem with its YAML path (`providers.openai.timeout_ms: expected an integer`)
/// instead of stopping at the first.
public struct ConfigLoader {
    static let rootKeys = ["server", "providers", "models", "routes"]

    /// Reads, parses and validates the configuration file at `path`.
    ///
    /// An unreadable file is a problem whose path is the file name; YAML syntax errors are
    /// located as `FILE:LINE:COLUMN`.
    public static func load(path: String, environment: [String: String]) throws(ConfigError) -> LoadedConfig {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            let exists = FileManager.default.fileExists(atPath: path)
            throw ConfigError(path: path, message: exists ? "cannot read file" : "file not found")
        }
        return try parse(yaml: text, environment: environment, source: path)
    }

    /// Parses and validates configuration text; YAML syntax errors are located as
    /// `line L, column C`.
    public static func parse(yaml: String, environment: [String: String]) throws(ConfigError) -> LoadedConfig {
        try parse(yaml: yaml, environment: environment, source: nil)
    }

    static func parse(yaml: String, environment: [String: String], source: String?) throws(ConfigError)
        -> LoadedConfig
    {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch {
            throw ConfigError(problems: [syntaxProblem(error, source: source)])
        }
        let diagnostics = ConfigDiagnostics()
        let reader = ConfigNodeReader(diagnostics: diagnostics, environment: environment)
        var config = GatewayConfig()
        if let root, let document = reader.mapping(root, at: .root, allowed: rootKeys) {
            config = read(document)
        }
        if config.providers.isEmpty && diagnostics.problems.isEmpty {
            diagnostics.warn(ConfigPath.root.key("providers"), "no providers declared; every request will fail")
        }
        guard diagnostics.problems.isEmpty else {
            throw ConfigError(problems: diagnostics.problems, warnings: diagnostics.warnings)
        }
        return LoadedConfig(config: config, warnings: diagnostics.warnings)
    }

    /// Reads every section; providers first, since models and routes refer to them.
    private static func read(_ document: ConfigMappingReader) -> GatewayConfig {
        let reader = document.reader
        let server = document.rawNode("server").map { readServer($0, at: document.path("server"), reader: reader) }
        let providers = readProviders(document.rawNode("providers"), at: document.path("providers"), reader: reader)
        let directory = ProviderDirectory(providers: providers.all)
        let models = readModels(
            document.rawNode("models"), at: document.path("models"), directory: directory, reader: reader)
        let routes = readRoutes(
            document.rawNode("routes"), at: document.path("routes"),
            modelNames: models.declaredNames, directory: directory, reader: reader)
        return GatewayConfig(
            server: server ?? ServerConfig(),
            providers: providers.valid,
            models: models.valid,
            routes: routes
        )
    }

    /// Turns a Yams parse failure into a located problem without echoing the source text.
    static func syntaxProblem(_ error: any Error, source: String?) -> ConfigProblem {
        func located(_ mark: Mark) -> String {
            if let source { return "\(source):\(mark.line):\(mark.column)" }
            return "line \(mark.line), column \(mark.column)"
        }
        func message(_ context: YamlError.Context?, _ problem: String) -> String {
            guard let context else { return problem }
            return "\(context.text), \(problem)"
        }
        let unlocated = source ?? "<yaml>"
        guard let yamlError = error as? YamlError else {
            return ConfigProblem(path: unlocated, message: "invalid YAML")
        }
        switch yamlError {
        case .scanner(let context, let problem, let mark, _),
            .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            return ConfigProblem(path: located(mark), message: message(context, problem))
        case .duplicatedKeysInMapping(let duplicates, let context):
            let keys = duplicates.sorted().map { "\"\($0)\"" }.joined(separator: ", ")
            return ConfigProblem(path: located(context.mark), message: "duplicate key \(keys) in mapping")
        case .reader(let problem, _, _, _):
            return ConfigProblem(path: unlocated, message: "cannot decode text: \(problem)")
        default:
            return ConfigProblem(path: unlocated, message: "invalid YAML")
        }
    }
}
