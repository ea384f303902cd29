import Hummingbird
import HTTPTypes

extension SimulatedExchange {
    /// The shared shape of every chat answer: chaos first, then either the whole answer
    /// after its delay or a stream after the first-token delay.
    ///
    /// - Parameters:
    ///   - whole: builds the non-streaming body (a valid one, or a broken one when
    ///     `malformed` is on: the dialect decides how it breaks).
    ///   - produce: writes the stream's events.
    func answer(
        dialect: some WireDialect,
        plan: ChatPlan,
        headers: HTTPFields,
        streamContentType: String = "text/event-stream",
        whole: () -> Response,
        produce: @escaping @Sendable (inout StreamSink) async throws -> Void
    ) async -> Response {
        if let replaced = await chaos(dialect: dialect, stream: plan.stream) {
            return replaced
        }
        if plan.stream {
            guard await pause(timing.firstToken) else { return abandon() }
            var fields = headers
            fields[.contentType] = streamContentType
            fields[.cacheControl] = "no-cache"
            return await streamResponse(headers: fields, produce: produce)
        }
        guard await deliverWhole(pacedChunks: plan.pacedChunks) else { return abandon() }
        return whole()
    }
}
