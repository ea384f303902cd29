/// Collects problems and warnings while a configuration is read, so all of them are reported at once.
///
/// A reference type shared by the readers of one `ConfigLoader.parse` call; never leaves it.
final class ConfigDiagnostics {
    private(set) var problems: [ConfigProblem] = []
    private(set) var warnings: [String] = []

    /// Records a problem that makes the configuration invalid.
    func error(_ path: ConfigPath, _ message: String) {
        problems.append(ConfigProblem(path: path.description, message: message))
    }

    /// Records something the operator should know that does not stop the gateway.
    func warn(_ path: ConfigPath, _ message: String) {
        warnings.append("\(path): \(message)")
    }
}
