import Foundation
import NIOCore
import NIOFoundationCompat
import SwitchyardCore

/// Validates a client's `/v1/embeddings` body: a model and an input of a shape OpenAI accepts.
enum EmbeddingsRequestValidator {
    struct Envelope: Decodable {
        enum Input: Decodable {
            case valid

            init(from decoder: any Decoder) throws {
                let container = try decoder.singleValueContainer()
                if (try? container.decode(String.self)) != nil
                    || (try? container.decode([String].self)) != nil
                    || (try? container.decode([Int].self)) != nil
                    || (try? container.decode([[Int]].self)) != nil
                {
                    self = .valid
                } else {
                    throw DecodingError.typeMismatch(
                        String.self,
                        .init(codingPath: decoder.codingPath, debugDescription: "expected a string, an array of strings or token arrays")
                    )
                }
            }
        }

        let model: String
        let input: Input
        let encoding_format: String?
        let dimensions: Int?
    }

    static func validate(_ body: ByteBuffer) throws(GatewayError) -> ChatRequestSummary {
        let envelope: Envelope
        do {
            envelope = try JSONDecoder().decode(Envelope.self, from: body)
        } catch let error as DecodingError {
            throw RequestDecodingError.gatewayError(error)
        } catch {
            throw GatewayError.invalidRequest("We could not parse the JSON body of your request.")
        }
        if envelope.model.isEmpty {
            throw GatewayError.invalidRequest("'model' must be a non-empty string.", param: "model")
        }
        if let format = envelope.encoding_format, format != "float", format != "base64" {
            throw GatewayError.invalidRequest("'encoding_format' must be 'float' or 'base64'.", param: "encoding_format")
        }
        return ChatRequestSummary(model: envelope.model)
    }
}
