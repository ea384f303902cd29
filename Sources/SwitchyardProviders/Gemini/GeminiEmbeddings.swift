import Foundation
import SwitchyardCore

/// Pure translation of OpenAI embeddings requests and answers to Gemini's
/// `batchEmbedContents` and Vertex AI's `predict` (providers.md §1.4, §3.5, §3.7).
enum GeminiEmbeddings {
    /// The OpenAI embeddings request fields the gateway maps.
    struct OpenAIRequest: Decodable {
        var input: Input
        var dimensions: Int?
        var encoding_format: String?

        /// `input`: one string or several (token arrays are not supported by Gemini).
        enum Input: Decodable {
            case texts([String])

            init(from decoder: any Decoder) throws {
                let container = try decoder.singleValueContainer()
                if let one = try? container.decode(String.self) {
                    self = .texts([one])
                } else {
                    self = .texts(try container.decode([String].self))
                }
            }
        }

        var texts: [String] {
            switch input {
            case .texts(let texts): texts
            }
        }
    }

    /// `batchEmbedContents` body.
    struct BatchRequest: Codable, Equatable {
        var requests: [EmbedRequest]
    }

    /// One `embedContent` request inside a batch.
    struct EmbedRequest: Codable, Equatable {
        var model: String
        var content: GeminiWire.Content
        var outputDimensionality: Int?
    }

    /// `batchEmbedContents` answer.
    struct BatchResponse: Decodable {
        struct Embedding: Decodable { var values: [Double] }
        var embeddings: [Embedding]
    }

    /// Vertex `predict` body.
    struct PredictRequest: Codable, Equatable {
        struct Instance: Codable, Equatable { var content: String }
        struct Parameters: Codable, Equatable { var outputDimensionality: Int? }
        var instances: [Instance]
        var parameters: Parameters?
    }

    /// Vertex `predict` answer.
    struct PredictResponse: Decodable {
        struct Prediction: Decodable {
            struct Embeddings: Decodable {
                struct Statistics: Decodable { var token_count: Double? }
                var values: [Double]
                var statistics: Statistics?
            }
            var embeddings: Embeddings
        }
        var predictions: [Prediction]
    }

    /// Decodes the client's OpenAI embeddings body.
    static func decode(_ body: Data) throws(UpstreamFailure) -> OpenAIRequest {
        do {
            return try JSONDecoder().decode(OpenAIRequest.self, from: body)
        } catch {
            throw UpstreamFailure(
                kind: .invalidRequest,
                status: 400,
                message: "This provider takes embeddings input as a string or an array of strings.",
                param: "input"
            )
        }
    }

    /// The Gemini `batchEmbedContents` body for `request`.
    static func batchRequest(_ request: OpenAIRequest, model: String) -> BatchRequest {
        let name = model.hasPrefix("models/") ? model : "models/" + model
        return BatchRequest(
            requests: request.texts.map {
                EmbedRequest(
                    model: name,
                    content: GeminiWire.Content(role: nil, parts: [GeminiWire.Part(text: $0)]),
                    outputDimensionality: request.dimensions
                )
            }
        )
    }

    /// The Vertex `predict` body for `request`.
    static func predictRequest(_ request: OpenAIRequest) -> PredictRequest {
        PredictRequest(
            instances: request.texts.map { PredictRequest.Instance(content: $0) },
            parameters: request.dimensions.map { PredictRequest.Parameters(outputDimensionality: $0) }
        )
    }

    /// The OpenAI embeddings answer for `vectors`. Gemini reports no token counts, so
    /// `promptTokens` is an estimate when the caller has nothing better (about 4 bytes a token).
    static func openAIResponse(
        vectors: [[Double]],
        model: String,
        base64: Bool,
        promptTokens: Int
    ) -> (body: Data, usage: TokenUsage) {
        let data: [JSONValue] = vectors.enumerated().map { index, values in
            let embedding: JSONValue = base64 ? .string(base64Floats(values)) : .array(values.map(JSONValue.number))
            return .object(["object": .string("embedding"), "index": .number(Double(index)), "embedding": embedding])
        }
        let usage = JSONValue.object([
            "prompt_tokens": .number(Double(promptTokens)), "total_tokens": .number(Double(promptTokens)),
        ])
        let body = JSONValue.object([
            "object": .string("list"), "data": .array(data), "model": .string(model), "usage": usage,
        ])
        let encoded = (try? JSONEncoder().encode(body)) ?? Data("{}".utf8)
        return (encoded, TokenUsage(promptTokens: promptTokens, completionTokens: 0))
    }

    /// A rough token count for texts the upstream did not count.
    static func estimateTokens(_ texts: [String]) -> Int {
        texts.reduce(0) { $0 + ($1.utf8.count + 3) / 4 }
    }

    /// OpenAI's `encoding_format: base64`: little-endian float32s, base64-encoded.
    static func base64Floats(_ values: [Double]) -> String {
        var bytes = [UInt8]()
        bytes.reserveCapacity(values.count * 4)
        for value in values {
            let bits = Float(value).bitPattern.littleEndian
            withUnsafeBytes(of: bits) { bytes.append(contentsOf: $0) }
        }
        return Data(bytes).base64EncodedString()
    }
}
