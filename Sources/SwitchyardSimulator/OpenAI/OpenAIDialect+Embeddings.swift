import Hummingbird

extension OpenAIDialect {
    /// `POST /v1/embeddings` (§1.4): deterministic vectors, float or base64.
    func embeddings(body: ByteBuffer, exchange: SimulatedExchange) async -> Response {
        let request: OpenAIEmbeddingsRequest
        switch RequestDecoding.decode(OpenAIEmbeddingsRequest.self, from: body) {
        case .success(let decoded): request = decoded
        case .failure(let failure): return exchange.fail(dialect: self, status: 400, message: failure.message)
        }
        if let replaced = await exchange.chaos(dialect: self, stream: false) {
            return replaced
        }
        guard await exchange.deliverWhole(pacedChunks: 1) else { return exchange.abandon() }
        if exchange.options.malformed {
            return exchange.json("{\"object\":\"list\",\"data\":[{\"object\":\"embedding\",\"index\":0,\"embedding\":[0.1,")
        }
        let dimensions = min(max(1, request.dimensions ?? 8), 8192)
        let base64 = request.encoding_format == "base64"
        var data = ""
        var tokens = 0
        for (index, text) in request.input.texts.enumerated() {
            let vector = EmbeddingVectors.vector(for: text, dimensions: dimensions)
            let encoded = base64 ? "\"" + EmbeddingVectors.base64(vector) + "\"" : EmbeddingVectors.jsonArray(vector)
            if index > 0 { data += "," }
            data += "{\"object\":\"embedding\",\"index\":\(index),\"embedding\":\(encoded)}"
            tokens += max(1, text.utf8.count / 4)
        }
        let body = "{\"object\":\"list\",\"data\":[\(data)],\"model\":\(JSONText.quoted(request.model)),"
            + "\"usage\":{\"prompt_tokens\":\(tokens),\"total_tokens\":\(tokens)}}"
        return exchange.json(body, headers: baseHeaders(exchange: exchange))
    }

    /// `GET /v1/models` (§1.5).
    func models(exchange: SimulatedExchange) -> Response {
        exchange.tracker.finish(.completed)
        let items = exchange.options.models.map(Self.modelJSON).joined(separator: ",")
        return exchange.json("{\"object\":\"list\",\"data\":[\(items)]}", headers: baseHeaders(exchange: exchange))
    }

    /// `GET /v1/models/{id}`: any id is known.
    func model(id: String, exchange: SimulatedExchange) -> Response {
        exchange.tracker.finish(.completed)
        return exchange.json(Self.modelJSON(id), headers: baseHeaders(exchange: exchange))
    }

    static func modelJSON(_ id: String) -> String {
        "{\"id\":\(JSONText.quoted(id)),\"object\":\"model\",\"created\":1715367049,\"owned_by\":\"switchyard-simulator\"}"
    }
}
