import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1

/// The gateway's HTTP/1 client connections, accepted by `GatewayListener`: NIO's request
/// decoder, the gateway's `HTTP1ServerCodec` (HTTPTypes in, bytes out), Hummingbird's
/// `HTTPConnectionStateHandler` for idle and shutdown, and `HTTP1RequestHandler` in place of
/// Hummingbird's per-connection async channel. Requests
/// are read on the event loop and answered, one at a time, by the connection's task
/// (`handle`), which runs `responder` (the router) for each.
struct GatewayHTTP1Channel: Sendable {
    /// The connection, once its pipeline is set up.
    struct Value: Sendable {
        let channel: any Channel
        let mailbox: RequestMailbox
        /// Marked closed when the client goes (`HTTP1RequestHandler`); each request gets it.
        let client: ClientConnection
    }

    let responder: GatewayResponder
    /// Handlers between the codec and the request handler (limits, parse errors).
    let additionalChannelHandlers: @Sendable () -> [any RemovableChannelHandler]
    let idleTimeout: TimeAmount?
    let decoderLimits: NIOHTTPDecoderLimitConfiguration
    /// `server.max_body_bytes`: bodies beyond it are not gathered (413).
    let bodyLimit: Int

    /// Sets up a new connection's pipeline, on its event loop.
    func setup(channel: any Channel, logger: Logger) throws -> Value {
        let pipeline = channel.pipeline.syncOperations
        let decoder = HTTPRequestDecoder(leftOverBytesStrategy: .dropBytes, informationalResponseStrategy: .drop, limitConfiguration: decoderLimits)
        try pipeline.addHandler(ByteToMessageHandler(decoder))
        try pipeline.addHandler(HTTP1ServerCodec())
        try pipeline.addHandlers(additionalChannelHandlers())
        try pipeline.addHandler(
            HTTPConnectionStateHandler(idleTimeout: idleTimeout.map { .nanoseconds($0.nanoseconds) }, logger: logger)
        )
        let mailbox = RequestMailbox()
        let client = ClientConnection()
        try pipeline.addHandler(HTTP1RequestHandler(mailbox: mailbox, client: client, bodyLimit: bodyLimit))
        return Value(channel: channel, mailbox: mailbox, client: client)
    }

    /// Answers the connection's requests in order until it closes. `GatewayListener` runs
    /// it in a task that prefers the connection's event loop (`EventLoopTaskExecutor`), so
    /// the requests are read, answered and written on one thread.
    func handle(value: Value, logger: Logger) async {
        await withTaskCancellationHandler {
            while let delivery = await value.mailbox.next() {
                let response = await responder(delivery.request, value.channel, value.client)
                await delivery.target.write(response)
            }
        } onCancel: {
            value.mailbox.finish()
            value.channel.close(promise: nil)
        }
    }
}
