import AsyncHTTPClient
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization
import SwitchyardCore

/// The pooled HTTP client one provider's requests go through: keep-alive connections to its
/// host, at most `max_connections` of them, with the provider's connect timeout.
///
/// All providers' clients share the process-wide event loop group, so a provider's client
/// is a pool, not a thread. Created once at start-up and shut down on exit.
public final class UpstreamHTTPClient: Sendable {
    public let client: HTTPClient
    private let maxConnections: Int
    private let connectTimeoutMs: Int
    /// Lean pools for OpenAI-protocol exchanges, by origin; nil where one could not be
    /// made (the AHC client serves those).
    private let pools = Mutex<[HTTP1Pool.Origin: HTTP1Pool?]>([:])

    public init(maxConnections: Int, connectTimeoutMs: Int) {
        self.maxConnections = maxConnections
        self.connectTimeoutMs = connectTimeoutMs
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(connect: .milliseconds(Int64(connectTimeoutMs)))
        configuration.connectionPool = .init(
            idleTimeout: .seconds(60),
            concurrentHTTP1ConnectionsPerHostSoftLimit: maxConnections
        )
        configuration.decompression = .disabled
        configuration.redirectConfiguration = .disallow
        configuration.httpVersion = .automatic
        // No request spans: with the default (the global no-op tracer) every request still
        // built its span attributes, URL included, for nothing.
        configuration.tracing.tracer = nil
        self.client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    /// Closes every pooled connection; in-flight requests fail.
    public func shutdown() async {
        let pools = self.pools.withLock { Array($0.values) }
        for pool in pools { pool?.shutdown() }
        try? await client.shutdown()
    }

    /// The lean pool for `origin`, made on first use.
    public func pool(for origin: HTTP1Pool.Origin) -> HTTP1Pool? {
        pools.withLock { pools in
            if let existing = pools[origin] { return existing }
            let made = try? HTTP1Pool(origin: origin, maxConnections: maxConnections, connectTimeoutMs: connectTimeoutMs)
            pools[origin] = .some(made)
            return made
        }
    }

    /// Executes `request`, mapping transport errors to `UpstreamFailure` (`connect` or `timeout`).
    public func execute(
        _ request: HTTPClientRequest,
        deadline: NIODeadline,
        logger: Logger
    ) async throws(UpstreamFailure) -> HTTPClientResponse {
        do {
            return try await client.execute(request, deadline: deadline, logger: logger)
        } catch {
            throw UpstreamTransportError.classify(error)
        }
    }
}

/// Maps AsyncHTTPClient and NIO errors to the router's failure classes.
public enum UpstreamTransportError {
    /// `timeout` for deadlines and read timeouts, `connect` for everything about reaching
    /// the host or the connection closing early. Cancellation stays recognisable as `timeout`
    /// with a message saying so; the caller decides whether it was the client leaving.
    public static func classify(_ error: any Error) -> UpstreamFailure {
        if let failure = error as? UpstreamFailure { return failure }
        if let http = error as? HTTPClientError {
            switch http {
            case .deadlineExceeded, .readTimeout, .writeTimeout:
                return UpstreamFailure(kind: .timeout, message: "upstream did not answer in time")
            case .cancelled:
                return UpstreamFailure(kind: .timeout, message: "upstream request cancelled")
            case .connectTimeout, .tlsHandshakeTimeout, .getConnectionFromPoolTimeout:
                return UpstreamFailure(kind: .connect, message: "could not connect to upstream in time")
            case .remoteConnectionClosed:
                return UpstreamFailure(kind: .connect, message: "upstream closed the connection")
            default:
                return UpstreamFailure(kind: .connect, message: "upstream transport error: \(http.shortDescription)")
            }
        }
        if error is CancellationError {
            return UpstreamFailure(kind: .timeout, message: "upstream request cancelled")
        }
        if error is NIOConnectionError || error is ChannelError || error is IOError {
            return UpstreamFailure(kind: .connect, message: "could not connect to upstream")
        }
        return UpstreamFailure(kind: .connect, message: "upstream transport error")
    }
}
