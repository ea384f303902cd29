import Foundation
import NIOCore
import NIOFoundationCompat
import SwitchyardCore

/// OpenAI embeddings ⇄ Bedrock InvokeModel bodies (providers.md §4.7): Titan Text
/// Embeddings (one text per call) and Cohere Embed (a batch per call). Pure.
enum BedrockEmbeddings {
    /// The OpenAI embeddings request fields the gateway reads.
    struct Request: Decodable {
        var input: [String]
        var dimensions: Int?
        var encoding_format: String?

        private enum CodingKeys: String, CodingKey { case input, dimensions, encoding_format }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            if let one = try? container.decode(String.self, forKey: .input) {
                input = [one]
            } else {
                input = try container.decode([String].self, forKey: .input)
            }
            dimensions = try container.decodeIfPresent(Int.self, forKey: .dimensions)
            encoding_format = try container.decodeIfPresent(String.self, forKey: .encoding_format)
        }
    }

    /// The model families with a known InvokeModel body.
    enum Family: Equatable {
        case titan(v2: Bool)
        case cohere
    }

    static func family(_ modelID: String) -> Family? {
        let id = modelID.lowercased()
        if id.contains("cohere.embed") { return .cohere }
        if id.contains("amazon.titan-embed") { return .titan(v2: id.contains("-v2")) }
        return nil
    }

    static func decodeRequest(_ body: ByteBuffer) throws(UpstreamFailure) -> Request {
        do {
            let request = try JSONDecoder().decode(Request.self, from: body)
            guard !request.input.isEmpty else { throw BedrockTranslator.invalid("input must not be empty", param: "input") }
            return request
        } catch let failure as UpstreamFailure {
            throw failure
        } catch {
            throw BedrockTranslator.invalid("input must be a string or an array of strings for Bedrock embeddings", param: "input")
        }
    }

    /// Titan: `{"inputText", "dimensions"?, "normalize"?}` (v1 takes only `inputText`).
    static func titanBody(_ text: String, dimensions: Int?, v2: Bool) -> ByteBuffer {
        var body: [String: JSONValue] = ["inputText": .string(text)]
        if v2 {
            body["normalize"] = .bool(true)
            if let dimensions { body["dimensions"] = .number(Double(dimensions)) }
        }
        return CanonicalJSON.encode(JSONValue.object(body))
    }

    /// Cohere: `{"texts", "input_type": "search_document"}`.
    static func cohereBody(_ texts: [String]) -> ByteBuffer {
        CanonicalJSON.encode(
            JSONValue.object(["texts": .array(texts.map(JSONValue.string)), "input_type": .string("search_document")])
        )
    }

    struct TitanResponse: Decodable {
        var embedding: [Double]
        var inputTextTokenCount: Int?
    }

    /// Cohere answers `embeddings: [[...]]` (floats) or `embeddings: {"float": [[...]]}` (by type).
    struct CohereResponse: Decodable {
        var embeddings: [[Double]]

        private enum CodingKeys: String, CodingKey { case embeddings }
        private struct ByType: Decodable { var float: [[Double]] }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            if let floats = try? container.decode([[Double]].self, forKey: .embeddings) {
                embeddings = floats
            } else {
                embeddings = try container.decode(ByType.self, forKey: .embeddings).float
            }
        }
    }

    static func decode<T: Decodable>(_ type: T.Type, _ body: ByteBuffer) throws(UpstreamFailure) -> T {
        do {
            return try JSONDecoder().decode(type, from: body)
        } catch {
            throw UpstreamFailure(kind: .malformedResponse, message: "upstream sent a malformed embeddings response")
        }
    }

    /// The OpenAI `list` of embeddings; `base64` packs each vector as little-endian float32.
    static func openAIResponse(_ vectors: [[Double]], model: String, promptTokens: Int, base64: Bool) -> ByteBuffer {
        let data = vectors.enumerated().map { index, vector -> JSONValue in
            let embedding: JSONValue = base64 ? .string(packed(vector)) : .array(vector.map(JSONValue.number))
            return .object(["object": .string("embedding"), "index": .number(Double(index)), "embedding": embedding])
        }
        let usage: JSONValue = .object(["prompt_tokens": .number(Double(promptTokens)), "total_tokens": .number(Double(promptTokens))])
        return CanonicalJSON.encode(
            JSONValue.object(["object": .string("list"), "data": .array(data), "model": .string(model), "usage": usage])
        )
    }

    static func packed(_ vector: [Double]) -> String {
        var bytes = [UInt8]()
        bytes.reserveCapacity(vector.count * 4)
        for value in vector {
            let bits = Float(value).bitPattern.littleEndian
            withUnsafeBytes(of: bits) { bytes.append(contentsOf: $0) }
        }
        return Data(bytes).base64EncodedString()
    }
}
