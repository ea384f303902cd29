import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// A small HTTP client for integration tests: whole responses and SSE streams, over one
/// shared AsyncHTTPClient.
public struct TestHTTPClient: Sendable {
    /// A whole response.
    public struct Reply: Sendable {
        public let status: Int
        public let headers: HTTPHeaders
        public let body: String

        /// The body parsed as a JSON object (empty when it is not one).
        public var json: [String: Any] {
            (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any] ?? [:]
        }

        /// `error.code`, `error.type` and `error.message` of an OpenAI error body.
        public var errorField: (code: String?, type: String?, message: String?) {
            let error = json["error"] as? [String: Any]
            return (error?["code"] as? String, error?["type"] as? String, error?["message"] as? String)
        }

        public func header(_ name: String) -> String? { headers.first(name: name) }
    }

    public static let shared = TestHTTPClient()
    public let client = HTTPClient.shared

    public init() {}

    /// POSTs `body` (raw JSON text) and reads the whole answer.
    public func post(_ url: String, body: String, headers: [String: String] = [:], timeout: TimeAmount = .seconds(30)) async throws -> Reply {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "content-type", value: "application/json")
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(string: body))
        return try await send(request, timeout: timeout)
    }

    /// GETs `url` and reads the whole answer.
    public func get(_ url: String, headers: [String: String] = [:], timeout: TimeAmount = .seconds(30)) async throws -> Reply {
        var request = HTTPClientRequest(url: url)
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        return try await send(request, timeout: timeout)
    }

    private func send(_ request: HTTPClientRequest, timeout: TimeAmount) async throws -> Reply {
        let response = try await client.execute(request, timeout: timeout)
        let body = try await response.body.collect(upTo: 64 * 1024 * 1024)
        return Reply(status: Int(response.status.code), headers: response.headers, body: String(buffer: body))
    }

    /// POSTs a streaming request and returns the response head and its raw body stream.
    public func openStream(_ url: String, body: String, headers: [String: String] = [:]) async throws -> HTTPClientResponse {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "content-type", value: "application/json")
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(string: body))
        return try await client.execute(request, timeout: .seconds(30))
    }
}

/// Splits raw SSE text into its `data:` payloads, in order.
public enum SSEText {
    public static func dataLines(_ text: String) -> [String] {
        text.split(separator: "\n", omittingEmptySubsequences: true)
            .filter { $0.hasPrefix("data: ") }
            .map { String($0.dropFirst(6)) }
    }
}
