import Hummingbird
import NIOCore

/// The request context of a simulator: Hummingbird's core storage plus the connection's
/// channel, so the request path can notice a client going away.
struct SimulatorRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    let channel: any Channel

    init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.channel = source.channel
    }
}
