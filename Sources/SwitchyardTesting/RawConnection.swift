import NIOCore
import NIOPosix
import Synchronization

/// A bare TCP exchange for tests that must send what no HTTP client would: oversized or
/// malformed heads, bodies trickled slowly, connections left half-sent.
public enum RawConnection {
    /// What came back on the connection.
    public struct Outcome: Sendable {
        /// Every byte the server sent, as text.
        public let text: String
        /// True when the server closed the connection; false when `readLimit` ran out first.
        public let closedByServer: Bool

        /// The status code of the first response line, if one arrived.
        public var status: Int? {
            guard text.hasPrefix("HTTP/1.1 ") else { return nil }
            return Int(text.dropFirst(9).prefix(3))
        }

        /// The first response's body (after the blank line).
        public var body: String {
            guard let range = text.range(of: "\r\n\r\n") else { return "" }
            return String(text[range.upperBound...])
        }
    }

    /// Connects to `127.0.0.1:port`, writes each piece of `sends` after its delay, and reads
    /// until the server closes the connection or `readLimit` passes (then closes it). With
    /// `closeOutputAfterSends`, the client then closes its side (a half-close: it still reads).
    public static func exchange(
        port: Int,
        sends: [(after: Duration, text: String)],
        readLimit: Duration = .seconds(10),
        closeOutputAfterSends: Bool = false
    ) async throws -> Outcome {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(
                        wrappingChannelSynchronously: channel,
                        configuration: .init(isOutboundHalfClosureEnabled: closeOutputAfterSends)
                    )
                }
            }
        let timedOut = TimeoutFlag()
        let raw = channel.channel
        return try await channel.executeThenClose { inbound, outbound in
            await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    for piece in sends {
                        try await Task.sleep(for: piece.after)
                        // The server may already have closed the connection: that is an outcome, not a failure.
                        do { try await outbound.write(ByteBuffer(string: piece.text)) } catch { return }
                    }
                    if closeOutputAfterSends { outbound.finish() }
                }
                group.addTask {
                    try await Task.sleep(for: readLimit)
                    timedOut.value.store(true, ordering: .relaxed)
                    try await raw.close()
                }
                var received = ByteBuffer()
                do {
                    for try await var chunk in inbound { received.writeBuffer(&chunk) }
                } catch {
                    // A reset after the answer still leaves the answer to look at.
                }
                group.cancelAll()
                return Outcome(text: String(buffer: received), closedByServer: !timedOut.value.load(ordering: .relaxed))
            }
        }
    }
}

/// Set when the read limit closed the connection (shared with the timer task).
private final class TimeoutFlag: Sendable {
    let value = Atomic<Bool>(false)
}
