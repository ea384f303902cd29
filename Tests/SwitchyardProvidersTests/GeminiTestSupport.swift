import Foundation
import NIOCore
import NIOFoundationCompat
import SwitchyardCore
import Synchronization
import Testing

@testable import SwitchyardProviders

/// Helpers for the Gemini and Vertex golden tests: JSON is compared as parsed values.
enum GeminiFixtures {
    static func json(_ text: String) -> JSONValue {
        do {
            return try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
        } catch {
            Issue.record("fixture is not JSON: \(error)")
            return .null
        }
    }

    static func json(_ buffer: ByteBuffer) -> JSONValue {
        json(String(buffer: buffer))
    }

    static func json(encoding value: some Encodable) -> JSONValue {
        json(GeminiExchange.encode(value))
    }

    static func canonical(_ text: String) throws -> CanonicalChatRequest {
        try JSONDecoder().decode(CanonicalChatRequest.self, from: Data(text.utf8))
    }

    static func wireResponse(_ text: String) throws -> GeminiWire.Response {
        try JSONDecoder().decode(GeminiWire.Response.self, from: Data(text.utf8))
    }

    /// The outcome of an adapter call, to check after the servers are shut down.
    static func capture<T>(_ body: () async throws(UpstreamFailure) -> T) async -> Result<T, UpstreamFailure> {
        do {
            return .success(try await body())
        } catch {
            return .failure(error)
        }
    }

    /// Deterministic tool call ids: `call_1`, `call_2`, ...
    final class Counter: Sendable {
        private let value = Mutex(0)
        func next() -> String {
            let n = value.withLock { value in
                value += 1
                return value
            }
            return "call_\(n)"
        }
    }
}
