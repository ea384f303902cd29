import Foundation
import NIOCore
import NIOFoundationCompat
import SwitchyardCore

/// Validates a client's `/v1/chat/completions` body and extracts what routing needs.
///
/// Everything the gateway does not act on is still type-checked where OpenAI would
/// reject it, so a malformed request gets a 400 here instead of a provider's error.
enum ChatRequestValidator {
    /// The checked shape of a chat request. Unknown fields are allowed (they pass through).
    struct Envelope: Decodable {
        struct Message: Decodable {
            enum Content: Decodable {
                case text
                case parts
                case none

                init(from decoder: any Decoder) throws {
                    let container = try decoder.singleValueContainer()
                    if container.decodeNil() {
                        self = .none
                    } else if (try? container.decode(String.self)) != nil {
                        self = .text
                    } else if (try? container.decode([Part].self)) != nil {
                        self = .parts
                    } else {
                        throw DecodingError.typeMismatch(
                            String.self,
                            .init(codingPath: decoder.codingPath, debugDescription: "expected a string or an array of content parts")
                        )
                    }
                }
            }

            struct Part: Decodable {
                let type: String
            }

            let role: String
            let content: Content?
        }

        struct StreamOptions: Decodable {
            let include_usage: Bool?
        }

        /// An integer field. JSONDecoder reports `1.5` for an `Int` as unparseable JSON with
        /// no coding path; this names the field instead.
        struct Integer: Decodable {
            let value: Int

            init(from decoder: any Decoder) throws {
                let container = try decoder.singleValueContainer()
                if let int = try? container.decode(Int.self) {
                    value = int
                    return
                }
                let number = try container.decode(Double.self)
                guard let int = Int(exactly: number) else {
                    throw DecodingError.typeMismatch(
                        Int.self, .init(codingPath: decoder.codingPath, debugDescription: "expected an integer")
                    )
                }
                value = int
            }
        }

        let model: String
        let messages: [Message]
        let stream: Bool?
        let stream_options: StreamOptions?
        let max_tokens: Integer?
        let max_completion_tokens: Integer?
        let temperature: Double?
        let top_p: Double?
        let n: Integer?
        let seed: Integer?
        let presence_penalty: Double?
        let frequency_penalty: Double?
    }

    static let roles: Set<String> = ["system", "developer", "user", "assistant", "tool", "function"]

    /// Parses `body`, or throws a 400 `GatewayError` naming the offending field. The
    /// common shapes are checked by a byte scan (`ChatRequestScan`); whatever it declines is
    /// decoded here, and the decoder has the last word.
    static func validate(_ body: ByteBuffer) throws(GatewayError) -> ChatRequestSummary {
        if let summary = ChatRequestScan.summary(body) {
            return summary
        }
        return try decode(body)
    }

    /// The reference validation with `JSONDecoder`.
    static func decode(_ body: ByteBuffer) throws(GatewayError) -> ChatRequestSummary {
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
        if envelope.messages.isEmpty {
            throw GatewayError.invalidRequest("'messages' must contain at least one message.", param: "messages")
        }
        for (index, message) in envelope.messages.enumerated() where !roles.contains(message.role) {
            throw GatewayError.invalidRequest(
                "'\(message.role.prefix(40))' is not a valid role.",
                param: "messages[\(index)].role"
            )
        }
        if let n = envelope.n?.value, n < 1 {
            throw GatewayError.invalidRequest("'n' must be at least 1.", param: "n")
        }
        let stream = envelope.stream ?? false
        return ChatRequestSummary(
            model: envelope.model,
            stream: stream,
            includeUsage: stream && (envelope.stream_options?.include_usage ?? false),
            maxTokens: (envelope.max_completion_tokens ?? envelope.max_tokens)?.value
        )
    }
}

/// Turns `DecodingError`s into 400s that name the field, as OpenAI's API does.
enum RequestDecodingError {
    static func gatewayError(_ error: DecodingError) -> GatewayError {
        switch error {
        case .keyNotFound(let key, let context):
            let path = render(context.codingPath + [key])
            return .invalidRequest("Missing required parameter: '\(path)'.", param: path)
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            // `[]`, `null` or `42` as the whole body: there is no field to name.
            if context.codingPath.isEmpty {
                return .invalidRequest("The request body must be a JSON object.")
            }
            let path = render(context.codingPath)
            return .invalidRequest("Invalid type for '\(path)': \(context.debugDescription)", param: path)
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty {
                return .invalidRequest("We could not parse the JSON body of your request.")
            }
            let path = render(context.codingPath)
            return .invalidRequest("Invalid value for '\(path)'.", param: path)
        @unknown default:
            return .invalidRequest("We could not parse the JSON body of your request.")
        }
    }

    /// `messages[0].role` style paths.
    static func render(_ path: [any CodingKey]) -> String {
        var out = ""
        for key in path {
            if let index = key.intValue {
                out += "[\(index)]"
            } else {
                if !out.isEmpty { out += "." }
                out += key.stringValue
            }
        }
        return out
    }
}
