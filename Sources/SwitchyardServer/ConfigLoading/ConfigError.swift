/// One thing wrong with a configuration, located by its YAML path.
///
/// `description` reads `path: message`, e.g. `routes.support.targets[2]: unknown model "gpt-5x"`.
/// Messages never contain secret values.
public struct ConfigProblem: Sendable, Equatable, CustomStringConvertible {
    /// Where the problem is: a YAML path (`providers.openai.timeout_ms`), a file name, or a
    /// YAML source location (`line 3, column 7`) for syntax errors.
    public var path: String
    /// What is wrong there.
    public var message: String

    /// Creates a problem at a path.
    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { "\(path): \(message)" }
}

/// Why a configuration could not be loaded: every problem found, not just the first.
public struct ConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Every problem found, in the order the loader met them.
    public var problems: [ConfigProblem]
    /// Warnings gathered before the loader gave up, for `check-config` to show as well.
    public var warnings: [String]

    /// Creates an error from the problems found (and any warnings gathered so far).
    public init(problems: [ConfigProblem], warnings: [String] = []) {
        self.problems = problems
        self.warnings = warnings
    }

    /// Creates an error with a single problem.
    public init(path: String, message: String) {
        self.init(problems: [ConfigProblem(path: path, message: message)])
    }

    /// The problems, one per line, as `switchyard check-config` prints them.
    public func formatProblems() -> String {
        problems.map(\.description).joined(separator: "\n")
    }

    public var description: String { formatProblems() }
}
