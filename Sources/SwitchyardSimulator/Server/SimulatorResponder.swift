import Hummingbird
import HTTPTypes
import NIOCore

/// Routes every request: `/_sim/...` control endpoints, else the protocol's own endpoints.
struct SimulatorResponder: HTTPResponder {
    typealias Context = SimulatorRequestContext

    let state: SimulatorState
    let dialect: any WireDialect

    func respond(to request: Request, context: Context) async throws -> Response {
        if request.uri.path.hasPrefix("/_sim/") {
            return await control(request)
        }
        let options = state.options
        let tracker = RequestTracker(counters: state.counters)
        let exchange = SimulatedExchange(state: state, options: options, tracker: tracker, channel: context.channel)
        let hadAuth = request.headers[.authorization] != nil || request.headers[SimHeader.xAPIKey] != nil
            || request.headers[SimHeader.xGoogAPIKey] != nil
        state.counters.lastHadAuth.store(hadAuth, ordering: .relaxed)

        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: options.maxRequestBodyBytes)
        } catch is NIOTooManyBytesError {
            return exchange.fail(dialect: dialect, status: 413, message: "Request body too large.")
        } catch {
            return exchange.abandon()
        }
        state.counters.lastBodyBytes.store(body.readableBytes, ordering: .relaxed)

        if let key = options.requireAPIKey, !dialect.hasAPIKey(key, in: request) {
            return dialect.authFailure(exchange: exchange)
        }
        if let response = try await dialect.respond(to: request, body: body, exchange: exchange) {
            return response
        }
        return exchange.fail(
            dialect: dialect,
            status: 404,
            message: "Unknown request URL: \(request.method) \(request.uri.path)."
        )
    }

    /// `GET|DELETE /_sim/stats`, `GET|PUT|POST /_sim/behavior`, `GET /_sim/health`.
    private func control(_ request: Request) async -> Response {
        switch (request.method, request.uri.path) {
        case (.get, "/_sim/stats"):
            return Self.json(state.counters.snapshot().json)
        case (.delete, "/_sim/stats"):
            state.counters.reset()
            return Self.json(state.counters.snapshot().json)
        case (.get, "/_sim/behavior"):
            return Self.json(state.options.behaviorJSON)
        case (.put, "/_sim/behavior"), (.post, "/_sim/behavior"), (.patch, "/_sim/behavior"):
            guard let body = try? await request.body.collect(upTo: 1 << 20) else {
                return Self.json("{\"error\":\"body too large\"}", status: .contentTooLarge)
            }
            switch RequestDecoding.decode(SimulatorBehaviorPatch.self, from: body) {
            case .success(let patch):
                state.update { patch.apply(to: &$0) }
                return Self.json(state.options.behaviorJSON)
            case .failure(let failure):
                return Self.json("{\"error\":\(JSONText.quoted(failure.message))}", status: .badRequest)
            }
        case (.get, "/_sim/health"):
            let options = state.options
            return Self.json(
                "{\"status\":\"ok\",\"protocol\":\"\(options.protocol.rawValue)\",\"name\":\(JSONText.quoted(options.name))}"
            )
        default:
            return Self.json("{\"error\":\"unknown simulator control endpoint\"}", status: .notFound)
        }
    }

    private static func json(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}

extension SimulatorOptions {
    /// The behaviour knobs as served by `GET /_sim/behavior` (snake_case, like the patch).
    var behaviorJSON: String {
        func optional(_ value: Int?) -> String { value.map(String.init) ?? "null" }
        return "{\"protocol\":\"\(self.protocol.rawValue)\",\"name\":\(JSONText.quoted(name)),"
            + "\"latency_ms\":\(latencyMs),\"jitter_ms\":\(jitterMs),\"ttft_ms\":\(optional(ttftMs)),"
            + "\"tokens_per_second\":\(tokensPerSecond),\"error_rate\":\(errorRate),\"error_status\":\(errorStatus),"
            + "\"hang\":\(hang),\"fail_after_ms\":\(optional(failAfterMs)),"
            + "\"cut_stream_after_chunks\":\(optional(cutStreamAfterChunks)),\"malformed\":\(malformed),"
            + "\"chunk_count\":\(chunkCount),\"chunk_interval_ms\":\(optional(chunkIntervalMs)),"
            + "\"in_band_stream_errors\":\(inBandStreamErrors),\"require_api_key\":\(requireAPIKey != nil)}"
    }
}
