import Hummingbird
import NIOCore
import SwitchyardCore
import SwitchyardProviders

/// `POST /v1/embeddings`: routed like chat, to deployments whose provider has embeddings.
struct EmbeddingsHandler: Sendable {
    let runtime: GatewayRuntime
    let executor: RequestExecutor

    func handle(_ request: Request, client: ClientConnection? = nil) async -> Response {
        let requestID = RequestIdentity.id(for: request)
        var record = RequestRecord(endpoint: "embeddings", requestID: requestID)
        do throws(GatewayError) {
            let body = try await RequestBodyReader.read(request, limit: runtime.config.server.maxBodyBytes)
            let receivedAt = ContinuousClock.now
            let summary = try EmbeddingsRequestValidator.validate(body)
            guard let plan = runtime.resolver.resolve(summary.model) else {
                throw GatewayError.modelNotFound(summary.model)
            }
            record.plan = plan
            let deadline = receivedAt + .milliseconds(SLA.effectiveMs(plan: plan, request: request))
            let served = try await executor.execute(plan: plan, deadline: deadline, stream: false, client: client) {
                adapter, deployment, attemptDeadline throws(UpstreamFailure) in
                guard adapter.capabilities.embeddings else {
                    throw UpstreamFailure(kind: .invalidRequest, status: 400, message: "Provider '\(deployment.provider)' does not offer embeddings.")
                }
                let call = ChatCall(body: body, summary: summary, upstreamModel: deployment.model, requestID: requestID, deadline: attemptDeadline)
                return try await adapter.embeddings(call)
            }
            let overhead = (ContinuousClock.now - receivedAt) - served.upstreamDuration
            record.served(plan: plan, deployment: served.deployment, attempts: served.attempts, overhead: overhead)
            record.usage = served.value.usage
            runtime.telemetry.finish(record)
            let headers = ResponseHeaders.proxied(
                requestID: requestID, plan: plan, deployment: served.deployment, attempts: served.attempts,
                overhead: overhead, contentType: "application/json"
            )
            return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: served.value.body))
        } catch {
            record.failed(error)
            runtime.telemetry.finish(record)
            return ErrorResponse.response(error, headers: ResponseHeaders.errorHeaders(requestID: requestID))
        }
    }
}
