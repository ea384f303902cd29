import Foundation
import SwitchyardCore

/// OpenAI embeddings ⇄ Cohere `POST /v2/embed` (providers.md §1.4, §6). Pure.
enum CohereEmbeddings {
    /// The OpenAI request fields that matter here.
    struct OpenAIRequest: Decodable {
        enum Input: Decodable {
            case one(String)
            case many([String])

            init(from decoder: any Decoder) throws {
                let container = try decoder.singleValueContainer()
                if let one = try? container.decode(String.self) {
                    self = .one(one)
                } else {
                    self = .many(try container.decode([String].self))
                }
            }
        }
        var input: Input
        var dimensions: Int?
        var encoding_format: String?
    }

    /// `/v2/embed` body.
    struct Request: Encodable, Equatable {
        var model: String
        var texts: [String]
        var input_type: String
        var embedding_types: [String]
        var output_dimension: Int?
    }

    /// `/v2/embed` answer (only the float embeddings are asked for).
    struct Response: Decodable {
        struct Embeddings: Decodable { var float: [[Double]]? }
        struct Meta: Decodable { var billed_units: CohereWire.Usage.Tokens? }
        var embeddings: Embeddings?
        var meta: Meta?
    }

    /// OpenAI's embeddings answer.
    struct OpenAIResponse: Encodable {
        struct Item: Encodable {
            var object = "embedding"
            var index: Int
            var embedding: Embedding
        }
        enum Embedding: Encodable {
            case floats([Double])
            case base64(String)

            func encode(to encoder: any Encoder) throws {
                var container = encoder.singleValueContainer()
                switch self {
                case .floats(let values): try container.encode(values)
                case .base64(let text): try container.encode(text)
                }
            }
        }
        struct Usage: Encodable {
            var prompt_tokens: Int
            var total_tokens: Int
        }
        var object = "list"
        var data: [Item]
        var model: String
        var usage: Usage
    }

    /// Token-id inputs have no Cohere counterpart and are refused.
    static func request(_ openAI: OpenAIRequest, model: String) -> Request {
        let texts: [String]
        switch openAI.input {
        case .one(let text): texts = [text]
        case .many(let many): texts = many
        }
        return Request(
            model: model,
            texts: texts,
            input_type: "search_document",
            embedding_types: ["float"],
            output_dimension: openAI.dimensions
        )
    }

    /// `base64` encodes each vector as little-endian float32, as OpenAI does.
    static func response(_ wire: Response, model: String, base64: Bool) -> OpenAIResponse {
        let vectors = wire.embeddings?.float ?? []
        let items = vectors.enumerated().map { index, vector in
            OpenAIResponse.Item(index: index, embedding: base64 ? .base64(encode(vector)) : .floats(vector))
        }
        let tokens = CohereTranslator.count(wire.meta?.billed_units?.input_tokens ?? 0)
        return OpenAIResponse(data: items, model: model, usage: .init(prompt_tokens: tokens, total_tokens: tokens))
    }

    static func encode(_ vector: [Double]) -> String {
        var bytes = [UInt8]()
        bytes.reserveCapacity(vector.count * 4)
        for value in vector {
            let bits = Float(value).bitPattern.littleEndian
            withUnsafeBytes(of: bits) { bytes.append(contentsOf: $0) }
        }
        return Data(bytes).base64EncodedString()
    }
}
