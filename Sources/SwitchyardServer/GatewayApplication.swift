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
        let (router, direct) = buildRoutes(runtime: runtime)
        var logger = runtime.logger
        logger[metadataKey: "component"] = "http"
        return GatewayListener(
            host: host,
            port: port,
            connection: http1Channel(runtime.config.server, responder: respond(router.buildResponder(), direct: direct, logger: logger)),
            logger: logger,
            onListening: onListening
        )
    }

    /// The answer to a request: its direct route's (`DirectRoutes`), else the router's.
    /// Errors the middleware did not shape (it shapes them all) become a bare 500, as in
    /// Hummingbird's own server.
    static func respond(
        _ responder: some HTTPResponder<GatewayRequestContext>,
        direct: DirectRoutes,
        logger: Logger
    ) -> GatewayResponder {
        { request, channel, client in
            let context = GatewayRequestContext(source: .init(channel: channel, logger: logger), client: client)
            do {
                if let handler = direct.handler(for: request) {
                    return try await handler(request, context)
                }
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

    /// The router, and the direct routes of its `POST` endpoints with the same middleware.
    static func buildRoutes(runtime: GatewayRuntime) -> (router: Router<GatewayRequestContext>, direct: DirectRoutes) {
        let executor = RequestExecutor(runtime: runtime, planner: runtime.planner, observer: runtime.telemetry.executionObserver)
        let chat = ChatCompletionsHandler(runtime: runtime, executor: executor)
        let embeddings = EmbeddingsHandler(runtime: runtime, executor: executor)
        let models = ModelsHandler(runtime: runtime)
        let messages = MessagesHandler(runtime: runtime, executor: executor)
        let health = HealthHandler(runtime: runtime)
        let metrics = MetricsHandler(runtime: runtime)

        let router = Router(context: GatewayRequestContext.self)
        let errorShape = ErrorShapeMiddleware<GatewayRequestContext>()
        router.add(middleware: errorShape)
        router.get("/health") { _, _ in health.full() }
        router.get("/health/live") { _, _ in health.live() }
        router.get("/health/ready") { _, _ in health.ready() }
        router.get("/metrics") { _, _ in metrics.scrape() }

        // The concurrency cap comes first: a request refused for overload costs no more work.
        let limit = ConcurrencyLimitMiddleware<GatewayRequestContext>(limiter: ConcurrencyLimiter(limit: runtime.config.server.maxConcurrentRequests))
        let auth = AuthMiddleware<GatewayRequestContext>(runtime: runtime)
        let v1 = router.group("v1")
            .add(middleware: limit)
            .add(middleware: auth)
        let posts: [(path: String, handler: DirectRoutes.Handler)] = [
            ("chat/completions", { request, context in await chat.handle(request, client: context.client) }),
            ("messages", { request, context in await messages.handle(request, client: context.client) }),
            ("embeddings", { request, context in await embeddings.handle(request, client: context.client) }),
        ]
        for post in posts {
            v1.post(RouterPath(post.path), use: post.handler)
        }
        // The same middleware as the router's: error shape, then the limit, then the key.
        let direct = DirectRoutes(
            routes: posts.map { post in
                let endpoint = post.handler
                let handler: DirectRoutes.Handler = { request, context in
                    try await errorShape.handle(request, context: context) { request, context in
                        try await limit.handle(request, context: context) { request, context in
                            try await auth.handle(request, context: context, next: endpoint)
                        }
                    }
                }
                return (path: "/v1/" + post.path, handler: handler)
            }
        )
        v1.get("models") { _, _ in models.list() }
        v1.get("models/{id}") { _, context in
            models.one(context.parameters.get("id") ?? "")
        }
        return (router, direct)
    }
}
