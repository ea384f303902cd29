import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1
import ServiceLifecycle
import SwitchyardCore

/// Builds the listener and router that serve the gateway's HTTP API (SPEC §3).
public enum GatewayApplication {
    /// The HTTP API for `runtime`, listening on `host:port` (port 0 = ephemeral): a service
    /// to run in a service group. `onListening` receives the bound port once the socket is
    /// open.
    public static func make(
        runtime: GatewayRuntime,
        host: String,
        port: Int,
        onListening: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some Service {
        let router = buildRouter(runtime: runtime)
        var logger = runtime.logger
        logger[metadataKey: "component"] = "http"
        return GatewayListener(
            host: host,
            port: port,
            connection: http1Channel(runtime.config.server, responder: respond(router.buildResponder(), logger: logger)),
            logger: logger,
            onListening: onListening
        )
    }

    /// The router's answer to a request. Errors the middleware did not shape (it shapes
    /// them all) become a bare 500, as in Hummingbird's own server.
    static func respond(_ responder: some HTTPResponder<GatewayRequestContext>, logger: Logger) -> GatewayResponder {
        { request, channel, client in
            let context = GatewayRequestContext(source: .init(channel: channel, logger: logger), client: client)
            do {
                return try await responder.respond(to: request, context: context)
            } catch {
                return Response(status: .internalServerError)
            }
        }
    }

    /// The HTTP/1 listener's connections and their limits: header size (431), idle
    /// connections, slow request bodies (408), body size (413), and clean answers to
    /// requests the parser refuses.
    static func http1Channel(_ server: ServerConfig, responder: @escaping GatewayResponder) -> GatewayHTTP1Channel {
        let requestTimeout = TimeAmount.milliseconds(Int64(server.clientRequestTimeoutMs))
        var decoderLimits = NIOHTTPDecoderLimitConfiguration()
        decoderLimits.maxHeaderFieldSize = server.maxHeaderBytes
        decoderLimits.maxHeaderListSize = server.maxHeaderBytes
        return GatewayHTTP1Channel(
            responder: responder,
            additionalChannelHandlers: {
                [HTTPParseErrorResponder(), ClientRequestTimeoutHandler(timeout: requestTimeout)]
            },
            idleTimeout: .milliseconds(Int64(server.clientIdleTimeoutMs)),
            decoderLimits: decoderLimits,
            bodyLimit: server.maxBodyBytes
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
