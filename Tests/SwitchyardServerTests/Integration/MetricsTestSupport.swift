import Foundation
import Logging
import SwitchyardCore
import SwitchyardServer
import SwitchyardSimulator
import SwitchyardTesting
import Synchronization
import Testing

/// Log lines captured through the gateway's own JSON handler.
final class CapturedLines: Sendable {
    private let lines = Mutex<[String]>([])

    var all: [String] { lines.withLock { $0 } }

    func logger(level: Logger.Level) -> Logger {
        var logger = Logger(label: "switchyard.test") { label in
            JSONLogHandler(label: label, level: level) { [self] line in
                lines.withLock { $0.append(line) }
            }
        }
        logger.logLevel = level
        return logger
    }
}

/// `promtool check metrics` from Debian's `prometheus` package, when installed; CI sets
/// SWITCHYARD_REQUIRE_PROMTOOL=1 so a missing promtool fails instead of skipping.
enum Promtool {
    static let required = ProcessInfo.processInfo.environment["SWITCHYARD_REQUIRE_PROMTOOL"] == "1"
    /// SPEC §5 names a gauge with a `quantile` label (ring-buffer percentiles); promtool's
    /// linter reserves that label for summaries. The contract wins; nothing else may appear.
    static let acceptedLint =
        #"switchyard_provider_latency_seconds non-summary metrics should not have "quantile" label"#

    static let available: Bool = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").contains { FileManager.default.isExecutableFile(atPath: "\($0)/promtool") }
    }()

    static func expectAccepts(_ body: String) async throws {
        guard available else {
            #expect(!required, "promtool not installed: apt-get install prometheus")
            return
        }
        let (status, problems) = try await OffPool.run { try check(body) }
        let unexpected = problems.filter { $0 != acceptedLint }
        #expect(unexpected.isEmpty, "promtool check metrics:\n\(problems.joined(separator: "\n"))")
        #expect(status == 0 || !problems.isEmpty, "promtool failed without saying why")
    }

    /// Runs `promtool check metrics` on `body`: its exit status and the problems it printed.
    static func check(_ body: String) throws -> (Int32, [String]) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["promtool", "check", "metrics"]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = output
        try process.run()
        input.fileHandleForWriting.write(Data(body.utf8))
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let problems = String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init).filter {
            !$0.isEmpty
        }
        return (process.terminationStatus, problems)
    }
}

/// Tests/clients/test_metrics_format.py: `prometheus_client`'s parser over a live scrape.
enum PythonMetricsCheck {
    static let available = PythonRunner.canImport("prometheus_client") && PythonRunner.canImport("pytest")
    static var shouldRun: Bool { PythonClientTests.required || available }
}

/// Runs blocking work (a child process and its pipes) on a thread of its own, never on the
/// cooperative pool, which the in-process gateway needs to answer that child.
enum OffPool {
    static func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(with: Result { try work() })
            }
        }
    }
}
