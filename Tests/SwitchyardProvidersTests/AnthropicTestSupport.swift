import Foundation
import NIOCore
import NIOFoundationCompat
import SwitchyardCore

@testable import SwitchyardProviders

/// Helpers for the Anthropic adapter and ingress golden tests: JSON compared as parsed
/// values, never as strings.
enum AnthropicTestSupport {
    static func json(_ text: String) -> JSONValue {
        (try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))) ?? .string("<invalid JSON: \(text)>")
    }

    static func json(_ buffer: ByteBuffer) -> JSONValue {
        json(String(buffer: buffer))
    }

    static func json(encoding value: some Encodable) -> JSONValue {
        guard let data = try? JSONEncoder().encode(value) else { return .string("<unencodable>") }
        return json(String(decoding: data, as: UTF8.self))
    }

    static func canonical(_ text: String) throws -> CanonicalChatRequest {
        try JSONDecoder().decode(CanonicalChatRequest.self, from: Data(text.utf8))
    }

    /// The payload JSON of each event (chunks and the usage chunk).
    static func payloads(_ events: [ChatStreamEvent]) -> [JSONValue] {
        events.map { event in
            switch event {
            case .chunk(let bytes): json(bytes)
            case .usage(_, let bytes): json(bytes)
            }
        }
    }

    /// Splits SSE frames into (event name, data JSON).
    static func frames(_ buffers: [ByteBuffer]) -> [(name: String, data: JSONValue)] {
        var decoder = SSEDecoder()
        var out: [(String, JSONValue)] = []
        for buffer in buffers {
            for event in (try? decoder.feed(buffer)) ?? [] {
                out.append((event.name ?? "", json(event.data)))
            }
        }
        return out
    }
}
