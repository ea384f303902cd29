import Hummingbird

/// The router's request context: Hummingbird's core storage plus the client connection
/// the request arrived on, so upstream work can stop when that client goes away.
struct GatewayRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    /// Nil only when the request did not come through the gateway's listener.
    let client: ClientConnection?

    init(source: ApplicationRequestContextSource) {
        self.init(source: source, client: nil)
    }

    /// A request the gateway's listener read, from `client`.
    init(source: ApplicationRequestContextSource, client: ClientConnection?) {
        self.coreContext = CoreRequestContextStorage(source: source)
        self.client = client
    }
}
