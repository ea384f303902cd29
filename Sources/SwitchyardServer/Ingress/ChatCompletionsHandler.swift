import HTTPTypes
import Hummingbird
import NIOCore
import SwitchyardCore
import SwitchyardProviders

/// `POST /v1/chat/completions`: validate, resolve the model, execute over the route with
/// failover, and answer whole or as an SSE stream forwarded event by event.
struct ChatCompletionsHandler: Sendable {
    let runtime: GatewayRuntime
    let executor: RequestExecutor

    func handle(_ request: Request, client: ClientConnection? = nil) async -> Response {
        let requestID = RequestIdentity.id(for: request)
        var record = RequestRecord(endpoint: "chat", requestID: requestID)
        do throws(GatewayError) {
            let body = try await RequestBodyReader.read(request, limit: runtime.config.server.maxBodyBytes)
            let receivedAt = ContinuousClock.now
            let summary = try ChatRequestValidator.validate(body)
            runtime.telemetry.body(String(buffer: body), requestID: requestID)
            guard let plan = runtime.resolver.resolve(summary.model) else {
                throw GatewayError.modelNotFound(summary.model)
            }
            record.plan = plan
            record.stream = summary.stream
            let deadline = receivedAt + .milliseconds(SLA.effectiveMs(plan: plan, request: request))
            if summary.stream {
                return try await StreamingExchange(runtime: runtime, executor: executor).respond(
                    body: body, summary: summary, plan: plan, requestID: requestID, receivedAt: receivedAt,
                    deadline: deadline, client: client, record: record, framing: .openAI(includeUsage: summary.includeUsage)
                )
            }
            let served = try await executor.execute(plan: plan, deadline: deadline, stream: false, client: client) {
                adapter, deployment, attemptDeadline throws(UpstreamFailure) in
                let call = ChatCall(body: body, summary: summary, upstreamModel: deployment.model, requestID: requestID, deadline: attemptDeadline)
                return try await adapter.send(call)
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
            return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: served.value.body))
        } catch {
            record.failed(error)
            runtime.telemetry.finish(record)
            return ErrorResponse.response(error, headers: ResponseHeaders.errorHeaders(requestID: requestID))
        }
    }
}

/// The effective SLA of one request: the route's, tightened (never loosened) by the
/// client's `x-switchyard-sla-ms`.
enum SLA {
    static func effectiveMs(plan: RoutePlan, request: Request) -> Int {
        guard let text = request.headers[GatewayHeader.slaMs], let asked = Int(text), asked > 0 else {
            return plan.slaMs
        }
        return min(plan.slaMs, asked)
    }
}
