import HTTPTypes
import Hummingbird
import NIOCore
import SwitchyardCore
import SwitchyardProviders

/// An upstream stream whose first event has arrived.
struct StreamStart: Sendable {
    let first: ChatStreamEvent
    let rest: ChatEventStream
}

/// The streaming half shared by `/v1/chat/completions` and `/v1/messages`: fail over until
/// an upstream has produced its first event, then commit the response and relay the rest.
struct StreamingExchange: Sendable {
    let runtime: GatewayRuntime
    let executor: RequestExecutor

    /// How the relayed events are framed for the client.
    enum Framing {
        /// OpenAI `data:` chunks; the usage chunk only when the client asked for it.
        case openAI(includeUsage: Bool)
        /// Anthropic's event sequence, re-encoded from the canonical chunks.
        case anthropic(model: String)
    }

    func respond(
        body: ByteBuffer,
        summary: ChatRequestSummary,
        plan: RoutePlan,
        requestID: String,
        receivedAt: ContinuousClock.Instant,
        deadline: ContinuousClock.Instant,
        client: ClientConnection? = nil,
        record: RequestRecord,
        framing: Framing
    ) async throws(GatewayError) -> Response {
        let served = try await executor.execute(plan: plan, deadline: deadline, stream: true, client: client) {
            adapter, deployment, attemptDeadline throws(UpstreamFailure) in
            let call = ChatCall(body: body, summary: summary, upstreamModel: deployment.model, requestID: requestID, deadline: attemptDeadline)
            var upstream = try await adapter.stream(call)
            // An upstream that errors or ends before its first event can still fail over.
            guard let first = try await upstream.next() else {
                throw UpstreamFailure(kind: .serverError, message: "upstream stream ended before its first event")
            }
            return StreamStart(first: first, rest: upstream)
        }
        let overhead = (ContinuousClock.now - receivedAt) - served.upstreamDuration
        var headers = ResponseHeaders.proxied(
            requestID: requestID, plan: plan, deployment: served.deployment, attempts: served.attempts,
            overhead: overhead, contentType: "text/event-stream"
        )
        headers[.cacheControl] = "no-cache"
        var record = record
        record.served(plan: plan, deployment: served.deployment, attempts: served.attempts, overhead: overhead)
        record.ttft = ContinuousClock.now - record.started
        let started = record
        let telemetry = runtime.telemetry
        let includeUsage: Bool
        let shape: ErrorResponse.Shape
        var encoder: AnthropicStreamEncoder?
        switch framing {
        case .openAI(let wantsUsage):
            (includeUsage, shape) = (wantsUsage, .openAI)
        case .anthropic(let model):
            (includeUsage, shape) = (true, .anthropic)
            encoder = AnthropicStreamEncoder(messageID: nil, model: model)
        }
        var relay = StreamRelay(
            start: served.value,
            ticket: served.ticket,
            includeUsage: includeUsage,
            idleTimeout: .milliseconds(plan.streamIdleTimeoutMs),
            shape: shape,
            logger: runtime.logger,
            onFinish: { usage, end in
                var record = started
                record.usage = usage
                record.streamEnd = end
                telemetry.finish(record)
            }
        )
        relay.anthropicEncoder = encoder
        relay.client = client
        let finished = relay
        return Response(status: .ok, headers: headers, body: ResponseBody { writer in
            try await finished.run(into: &writer)
        })
    }
}
