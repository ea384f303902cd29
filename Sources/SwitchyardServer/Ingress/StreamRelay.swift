import Hummingbird
import Logging
import NIOCore
import Synchronization
import SwitchyardCore
import SwitchyardProviders

/// Relays an upstream chat stream to the client as SSE, event by event as they arrive.
///
/// One task reads the upstream into a bounded `EventPipe` (a slow client slows the upstream
/// read), the writing task forwards each event, and an `IdleWatchdog` timer ends the stream
/// with an SSE error event when no event arrives for `idleTimeout`. A client that goes away stops the
/// relay and cancels the upstream request.
struct StreamRelay: Sendable {
    let start: StreamStart
    /// The winning attempt, settled when the stream ends.
    let ticket: AttemptTicket
    let includeUsage: Bool
    let idleTimeout: Duration
    let shape: ErrorResponse.Shape
    let logger: Logger
    /// Called once when the stream is over, with the usage the upstream reported and how
    /// it ended (`done`, `upstream_error`, `client_gone`): metrics and the access line.
    var onFinish: @Sendable (_ usage: TokenUsage?, _ end: StaticString) -> Void = { _, _ in }
    /// Set for `/v1/messages`: re-encodes the canonical chunks as Anthropic's event sequence.
    var anthropicEncoder: AnthropicStreamEncoder? = nil
    /// The client's connection: its close ends the relay at once, even while the upstream
    /// is quiet and no write would find the client gone.
    var client: ClientConnection? = nil

    /// The stream went quiet for longer than the route allows.
    struct Stalled: Error {}

    /// The client's connection closed.
    struct ClientGone: Error {}

    private static let dataPrefix: StaticString = "data: "
    private static let eventSuffix: StaticString = "\n\n"
    private static let done = ByteBuffer(string: "data: [DONE]\n\n")
    /// A burst of events is written together up to about this size.
    private static let maxWriteBytes = 64 * 1024

    /// How the relay of events ended.
    private struct Outcome {
        var usage: TokenUsage?
        var clientGone = false
        var failureMessage: String?
        var upstreamFailure: UpstreamFailure?
    }

    func run(into writer: inout any ResponseBodyWriter) async throws {
        let pipe = EventPipe<ChatStreamEvent>()
        let lastEvent = LastActivity()
        var encoder = anthropicEncoder

        // Idle watchdog: ends the pipe with `Stalled` when the upstream goes quiet too long.
        let watchdog = IdleWatchdog(idleNanos: idleTimeout.nanoseconds, activity: lastEvent) { pipe.finish(throwing: Stalled()) }
        watchdog.start()
        let registration = client?.onClose { pipe.finish(throwing: ClientGone()) }
        let outcome = await relay(through: pipe, activity: lastEvent, into: &writer, encoder: &encoder)
        if let registration { client?.removeOnClose(registration) }
        let (usage, clientGone, failureMessage, upstreamFailure) = (outcome.usage, outcome.clientGone, outcome.failureMessage, outcome.upstreamFailure)
        watchdog.stop()
        onFinish(usage, clientGone ? "client_gone" : failureMessage != nil ? "upstream_error" : "done")
        if clientGone {
            ticket.cancel()
        } else if let upstreamFailure {
            ticket.fail(upstreamFailure)
        } else if failureMessage != nil {
            ticket.fail(UpstreamFailure(kind: .serverError, message: "stream failed"))
        } else {
            ticket.succeed()
        }
        if clientGone {
            logger.debug("client went away mid-stream; upstream cancelled")
            // Thrown, so that the listener closes the connection (`ResponseTarget.write`): a
            // client that only closed its side is not sent an end that would pass the cut
            // stream off as whole, and the connection does not wait on it.
            throw ClientGone()
        }
        // The closing event goes out with the body's end, in one write.
        let closing: ByteBuffer
        if let failureMessage {
            logger.warning("stream ended by upstream failure", metadata: ["reason": "\(failureMessage)"])
            closing = ErrorResponse.streamErrorEvent(message: failureMessage, shape: shape)
        } else if encoder != nil {
            var frames = ByteBuffer()
            for var frame in encoder?.finish(usage: usage) ?? [] {
                frames.writeBuffer(&frame)
            }
            closing = frames
        } else {
            closing = Self.done
        }
        do {
            try await writer.finish(lastPart: closing)
        } catch {
            logger.debug("client went away before the stream ended")
        }
    }

    /// Writes the events to the client as they come through `pipe`, filled by a child task
    /// that reads the upstream (an `async let`, allocated from this task's own allocator). On
    /// return the child has been cancelled, if still reading, and has ended.
    private func relay(
        through pipe: EventPipe<ChatStreamEvent>,
        activity lastEvent: LastActivity,
        into writer: inout any ResponseBodyWriter,
        encoder: inout AnthropicStreamEncoder?
    ) async -> Outcome {
        async let _ = Self.read(start.rest, into: pipe, activity: lastEvent)
        var outcome = Outcome()
        var next: ChatStreamEvent? = start.first
        while let event = next {
            // The events already in the pipe go out with this one in a single write:
            // none waits for another, and a burst costs one write, not one per event.
            var frame = ByteBuffer()
            var pending: ChatStreamEvent? = event
            while let current = pending {
                if case .usage(let counts, _) = current { outcome.usage = counts }
                append(current, to: &frame, encoder: &encoder)
                pending = frame.readableBytes < Self.maxWriteBytes ? pipe.poll() : nil
            }
            if frame.readableBytes > 0 {
                outcome.clientGone = !(await writeRaw(frame, to: &writer))
            }
            if outcome.clientGone { break }
            do {
                next = try await pipe.next()
            } catch let failure as UpstreamFailure {
                outcome.failureMessage = "The upstream stream failed: \(failure.message)"
                outcome.upstreamFailure = failure
                next = nil
            } catch is ClientGone {
                outcome.clientGone = true
                next = nil
            } catch is Stalled {
                outcome.failureMessage = "The upstream stream stalled for more than \(idleTimeout.milliseconds) ms."
                outcome.upstreamFailure = UpstreamFailure(kind: .timeout, message: "stream stalled")
                next = nil
            } catch {
                outcome.failureMessage = "The upstream stream failed."
                next = nil
            }
        }
        // The reader may wait on a full pipe: finishing it lets the reader go.
        pipe.finish()
        return outcome
    }

    /// Reads the upstream into `pipe` until it ends, fails, or the pipe is finished.
    private static func read(_ rest: ChatEventStream, into pipe: EventPipe<ChatStreamEvent>, activity lastEvent: LastActivity) async {
        var upstream = rest
        do throws(UpstreamFailure) {
            while let event = try await upstream.next() {
                lastEvent.touch()
                guard await pipe.send(event) else { return }
            }
            pipe.finish()
        } catch {
            pipe.finish(throwing: error)
        }
    }

    /// Adds `event` to `frame` as the client gets it: a `data:` event, Anthropic's frames,
    /// or nothing (a usage chunk the client did not ask for).
    private func append(_ event: ChatStreamEvent, to frame: inout ByteBuffer, encoder: inout AnthropicStreamEncoder?) {
        if encoder != nil {
            for var encoded in encoder?.encode(event) ?? [] {
                frame.writeBuffer(&encoded)
            }
            return
        }
        let payload: ByteBuffer
        switch event {
        case .chunk(let data): payload = data
        case .usage(_, let data):
            guard includeUsage else { return }
            payload = data
        }
        frame.reserveCapacity(minimumWritableBytes: payload.readableBytes + 8)
        frame.writeStaticString(Self.dataPrefix)
        frame.writeImmutableBuffer(payload)
        frame.writeStaticString(Self.eventSuffix)
    }

    /// Writes bytes already framed as SSE; false when the client is gone.
    private func writeRaw(_ frame: ByteBuffer, to writer: inout any ResponseBodyWriter) async -> Bool {
        do {
            try await writer.write(frame)
            return true
        } catch {
            return false
        }
    }

    static func nowNanos() -> Int64 {
        Int64(truncatingIfNeeded: MonotonicTime.nowNanos())
    }
}

/// When the last upstream event arrived, shared by the reader and the idle watchdog.
final class LastActivity: Sendable {
    private let stamp = Atomic<Int64>(StreamRelay.nowNanos())

    func touch() {
        stamp.store(StreamRelay.nowNanos(), ordering: .relaxed)
    }

    var nanos: Int64 { stamp.load(ordering: .relaxed) }
}
