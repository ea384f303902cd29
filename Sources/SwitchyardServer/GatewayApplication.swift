import Hummingbird
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
            configuration: .init(address: .hostname(host, port: port), serverName: nil),
            onServerRunning: { channel in
                let bound = channel.localAddress?.port ?? port
                runtime.logger.notice("listening on http://\(host):\(bound)")
                await onListening(bound)
            },
            logger: logger
        )
    }

    static func buildRouter(runtime: GatewayRuntime) -> Router<BasicRequestContext> {
        let executor = RequestExecutor(runtime: runtime, planner: runtime.planner, observer: runtime.telemetry.executionObserver)
        let chat = ChatCompletionsHandler(runtime: runtime, executor: executor)
        let embeddings = EmbeddingsHandler(runtime: runtime, executor: executor)
        let models = ModelsHandler(runtime: runtime)
        let messages = MessagesHandler(runtime: runtime, executor: executor)
        let health = HealthHandler(runtime: runtime)
        let metrics = MetricsHandler(runtime: runtime)

        let router = Router(context: BasicRequestContext.self)
        router.add(middleware: ErrorShapeMiddleware())
        router.get("/health") { _, _ in health.full() }
        router.get("/health/live") { _, _ in health.live() }
        router.get("/health/ready") { _, _ in health.ready() }
        router.get("/metrics") { _, _ in metrics.scrape() }

        let v1 = router.group("v1").add(middleware: AuthMiddleware(runtime: runtime))
        v1.post("chat/completions") { request, _ in await chat.handle(request) }
        v1.post("messages") { request, _ in await messages.handle(request) }
        v1.post("embeddings") { request, _ in await embeddings.handle(request) }
        v1.get("models") { _, _ in models.list() }
        v1.get("models/{id}") { _, context in
            models.one(context.parameters.get("id") ?? "")
        }
        return router
    }
}
