import HummingbirdCore
import Logging
import NIOCore
import SwitchyardProviders

/// Hummingbird's HTTP/1 connection, its task kept on the connection's event loop (see
/// ``EventLoopTaskExecutor``).
struct LoopBoundHTTP1Channel: ServerChildChannel {
    typealias Value = HTTP1Channel.Value

    let http1: HTTP1Channel

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        http1.setup(channel: channel, logger: logger)
    }

    func handle(value: Value, logger: Logger) async {
        await withTaskExecutorPreference(EventLoopTaskExecutor(loop: value.channel.eventLoop)) {
            await http1.handle(value: value, logger: logger)
        }
    }
}

extension HTTPServerBuilder {
    /// HTTP/1 with each connection's work on the connection's event loop.
    static func loopBoundHTTP1(configuration: HTTP1Channel.Configuration) -> HTTPServerBuilder {
        .init { responder in
            LoopBoundHTTP1Channel(http1: HTTP1Channel(responder: responder, configuration: configuration))
        }
    }
}
