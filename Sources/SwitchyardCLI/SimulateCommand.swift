import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle
import SwitchyardSimulator

/// `switchyard simulate`: a simulated provider speaking a real wire protocol on loopback.
struct SimulateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Run a simulated provider (openai, anthropic, gemini or bedrock wire format)."
    )

    @Option(name: .long, help: "Wire protocol: openai, anthropic, gemini, bedrock.")
    var `protocol`: String = "openai"

    @Option(name: .long, help: "Listen address.")
    var host: String = "127.0.0.1"

    @Option(name: .long, help: "Listen port (0 picks a free one).")
    var port: Int = 9000

    @Option(name: .long, help: "Name shown in answers.")
    var name: String = "sim"

    @Option(name: .customLong("latency-ms"), help: "Base latency before the answer (or first token).")
    var latencyMs: Int = 0

    @Option(name: .customLong("jitter-ms"), help: "Random extra latency, 0...N ms.")
    var jitterMs: Int = 0

    @Option(name: .customLong("ttft-ms"), help: "Time to first token for streams (default: latency).")
    var ttftMs: Int?

    @Option(name: .customLong("tokens-per-second"), help: "Streaming pace (0 = as fast as possible).")
    var tokensPerSecond: Double = 0

    @Option(name: .customLong("error-rate"), help: "Share of requests answered with --error-status, 0...1.")
    var errorRate: Double = 0

    @Option(name: .customLong("error-status"), help: "Status of simulated errors (429, 500, 503, 529).")
    var errorStatus: Int = 500

    @Option(name: .customLong("chunk-count"), help: "Chunks per streamed answer.")
    var chunkCount: Int?

    @Option(name: .customLong("chunk-interval-ms"), help: "Fixed gap between streamed chunks.")
    var chunkIntervalMs: Int?

    @Flag(name: .long, help: "Accept requests and never answer.")
    var hang = false

    func validate() throws {
        guard SimulatedProtocol(rawValue: self.protocol) != nil else {
            throw ValidationError("--protocol must be one of openai, anthropic, gemini, bedrock")
        }
        guard (0...1).contains(errorRate) else { throw ValidationError("--error-rate must be within 0...1") }
    }

    func run() async throws {
        LoggingSystem.bootstrap { StreamLogHandler.standardError(label: $0) }
        var logger = Logger(label: "switchyard.simulate")
        logger.logLevel = .notice
        var options = SimulatorOptions(protocol: SimulatedProtocol(rawValue: self.protocol) ?? .openai, name: name)
        options.host = host
        options.port = port
        options.latencyMs = latencyMs
        options.jitterMs = jitterMs
        options.ttftMs = ttftMs
        options.tokensPerSecond = tokensPerSecond
        options.errorRate = errorRate
        options.errorStatus = errorStatus
        options.hang = hang
        if let chunkCount { options.chunkCount = chunkCount }
        options.chunkIntervalMs = chunkIntervalMs
        let server = SimulatorServer(options: options, logger: logger)
        let group = ServiceGroup(
            configuration: .init(
                services: [.init(service: server)],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger
            )
        )
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            let bound = try await server.listeningPort()
            logger.notice("listening on http://\(host):\(bound)")
            try await tasks.next()
        }
    }
}
