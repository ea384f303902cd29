import Foundation
import NIOCore
import NIOFoundationCompat

@testable import SwitchyardProviders
import SwitchyardCore

/// Helpers for the Bedrock tests: JSON text ⇄ values, compared as parsed objects.
enum BedrockTestJSON {
    static func value(_ text: String) -> JSONValue {
        (try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))) ?? .string("<invalid JSON: \(text)>")
    }

    static func value(_ buffer: ByteBuffer) -> JSONValue {
        (try? JSONDecoder().decode(JSONValue.self, from: buffer)) ?? .string("<invalid JSON>")
    }

    static func value(encoding encodable: some Encodable) -> JSONValue {
        value(CanonicalJSON.encode(encodable))
    }

    static func canonical(_ text: String) throws -> CanonicalChatRequest {
        try JSONDecoder().decode(CanonicalChatRequest.self, from: Data(text.utf8))
    }

    static func decode<T: Decodable>(_ type: T.Type, _ text: String) throws -> T {
        try JSONDecoder().decode(type, from: Data(text.utf8))
    }

    /// The JSON of a stream event, and whether it was the usage event.
    static func event(_ event: ChatStreamEvent) -> (json: JSONValue, isUsage: Bool) {
        switch event {
        case .chunk(let bytes): (value(bytes), false)
        case .usage(_, let bytes): (value(bytes), true)
        }
    }
}
