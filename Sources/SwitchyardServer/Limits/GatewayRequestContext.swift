import Hummingbird

/// The router's request context: Hummingbird's core storage plus the client connection
/// the request arrived on, so upstream work can stop when that client goes away.
struct GatewayRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    /// Nil only when the request did not come through a watched listener.
    let client: ClientConnection?

    init(source: ApplicationRequestContextSource) {
        self.coreContext = CoreRequestContextStorage(source: source)
        self.client = ClientConnections.shared.connection(for: ObjectIdentifier(source.channel))
    }
}
