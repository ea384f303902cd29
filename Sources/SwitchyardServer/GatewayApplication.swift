import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import SwitchyardCore

/// Builds the Hummingbird application that serves the gateway's HTTP API (SPEC §3).
public enum GatewayApplication {
    /// The application for `runtime`, listening on `host:port` (port 0 = ephemeral).
    /// `onListening` receives the bound port once the socket is open.
    public static func make(
        runtime: GatewayRuntime,
        host: String,
        port: Int,
        onListening: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        let router = buildRouter(runtime: runtime)
        var logger = runtime.logger
        logger[metadataKey: "component"] = "http"
        return Application(
            router: router,
            server: .http1(configuration: http1Configuration(runtime.config.server)),
            configuration: .init(address: .hostname(host, port: port), serverName: nil),
            onServerRunning: { channel in
                let bound = channel.localAddress?.port ?? port
                runtime.logger.notice("listening on http://\(host):\(bound)")
                await onListening(bound)
            },
            logger: logger
        )
    }

    /// The HTTP/1 listener's limits: header size (431), idle connections, slow request
    /// bodies (408), and clean answers to requests the parser refuses.
    static func http1Configuration(_ server: ServerConfig) -> HTTP1Channel.Configuration {
        let requestTimeout = TimeAmount.milliseconds(Int64(server.clientRequestTimeoutMs))
        return HTTP1Channel.Configuration(
            additionalChannelHandlers: [
                HTTPParseErrorResponder(), ClientRequestTimeoutHandler(timeout: requestTimeout), ClientCloseWatch(),
            ],
            idleTimeout: .milliseconds(Int64(server.clientIdleTimeoutMs)),
            httpDecoderConfiguration: .init(
                maxHeaderFieldSize: server.maxHeaderBytes,
                maxHeaderListSize: server.maxHeaderBytes
            )
        )
    }

    static func buildRouter(runtime: GatewayRuntime) -> Router<GatewayRequestContext> {
        let executor = RequestExecutor(runtime: runtime, planner: runtime.planner, observer: runtime.telemetry.executionObserver)
        let chat = ChatCompletionsHandler(runtime: runtime, executor: executor)
        let embeddings = EmbeddingsHandler(runtime: runtime, executor: executor)
        let models = ModelsHandler(runtime: runtime)
        let messages = MessagesHandler(runtime: runtime, executor: executor)
        let health = HealthHandler(runtime: runtime)
        let metrics = MetricsHandler(runtime: runtime)

        let router = Router(context: GatewayRequestContext.self)
        router.add(middleware: ErrorShapeMiddleware())
        router.get("/health") { _, _ in health.full() }
        router.get("/health/live") { _, _ in health.live() }
        router.get("/health/ready") { _, _ in health.ready() }
        router.get("/metrics") { _, _ in metrics.scrape() }

        // The concurrency cap comes first: a request refused for overload costs no more work.
        let limiter = ConcurrencyLimiter(limit: runtime.config.server.maxConcurrentRequests)
        let v1 = router.group("v1")
            .add(middleware: ConcurrencyLimitMiddleware(limiter: limiter))
            .add(middleware: AuthMiddleware(runtime: runtime))
        v1.post("chat/completions") { request, context in await chat.handle(request, client: context.client) }
        v1.post("messages") { request, context in await messages.handle(request, client: context.client) }
        v1.post("embeddings") { request, context in await embeddings.handle(request, client: context.client) }
        v1.get("models") { _, _ in models.list() }
        v1.get("models/{id}") { _, context in
            models.one(context.parameters.get("id") ?? "")
        }
        return router
    }
}
