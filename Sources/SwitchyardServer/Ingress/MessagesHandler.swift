import HTTPTypes
import Hummingbird
import NIOCore
import SwitchyardCore
import SwitchyardProviders

/// `POST /v1/messages`: Anthropic Messages in and out, routed like every other request.
/// The request is translated to the canonical (OpenAI) form, executed over the route with
/// failover, and the answer or stream translated back to Anthropic's shape.
struct MessagesHandler: Sendable {
    let runtime: GatewayRuntime
    let executor: RequestExecutor

    func handle(_ request: Request, client: ClientConnection? = nil) async -> Response {
        let requestID = RequestIdentity.id(for: request)
        var record = RequestRecord(endpoint: "messages", requestID: requestID)
        do throws(GatewayError) {
            let raw = try await RequestBodyReader.read(request, limit: runtime.config.server.maxBodyBytes)
            let receivedAt = ContinuousClock.now
            let ingress: AnthropicIngressRequest
            do {
                ingress = try AnthropicIngressTranslator.request(raw)
            } catch {
                throw GatewayError(.invalidRequest, message: error.message, param: error.param, status: error.status)
            }
            let summary = ingress.summary
            runtime.telemetry.body(String(buffer: raw), requestID: requestID)
            guard let plan = runtime.resolver.resolve(summary.model) else {
                throw GatewayError.modelNotFound(summary.model)
            }
            record.plan = plan
            record.stream = summary.stream
            let deadline = receivedAt + .milliseconds(SLA.effectiveMs(plan: plan, request: request))
            let body = ingress.body
            if summary.stream {
                return try await StreamingExchange(runtime: runtime, executor: executor).respond(
                    body: body, summary: summary, plan: plan, requestID: requestID, receivedAt: receivedAt,
                    deadline: deadline, client: client, record: record, framing: .anthropic(model: summary.model)
                )
            }
            let served = try await executor.execute(plan: plan, deadline: deadline, stream: false, client: client) {
                adapter, deployment, attemptDeadline throws(UpstreamFailure) in
                let call = ChatCall(body: body, summary: summary, upstreamModel: deployment.model, requestID: requestID, deadline: attemptDeadline)
                return try await adapter.send(call)
            }
            let translated: ByteBuffer
            do {
                translated = try AnthropicIngressTranslator.response(served.value.body, model: summary.model)
            } catch {
                throw GatewayError(.upstreamFailed, message: error.message, status: error.status)
            }
            let overhead = (ContinuousClock.now - receivedAt) - served.upstreamDuration
            record.served(plan: plan, deployment: served.deployment, attempts: served.attempts, overhead: overhead)
            record.usage = served.value.usage
            runtime.telemetry.finish(record)
            var headers = ResponseHeaders.proxied(
                requestID: requestID, plan: plan, deployment: served.deployment, attempts: served.attempts,
                overhead: overhead, contentType: "application/json"
            )
            if let usage = served.value.usage, let cost = runtime.prices.cost(usage, on: served.deployment) {
                headers[GatewayHeader.costUSD] = PriceBook.format(cost)
            }
            return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: translated))
        } catch {
            record.failed(error)
            runtime.telemetry.finish(record)
            return ErrorResponse.response(error, shape: .anthropic, headers: ResponseHeaders.errorHeaders(requestID: requestID))
        }
    }
}
