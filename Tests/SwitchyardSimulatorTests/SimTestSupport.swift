import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Testing

@testable import SwitchyardSimulator

/// A finished HTTP exchange as tests see it.
struct SimReply {
    var status: Int
    var headers: HTTPHeaders
    var body: [UInt8]

    var text: String { String(decoding: body, as: UTF8.self) }

    func json() throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(body))
        return try #require(object as? [String: Any])
    }
}

/// Runs `body` against a fresh simulator and always stops it.
func withSimulator<T>(_ options: SimulatorOptions, _ body: (RunningSimulator) async throws -> T) async throws -> T {
    let sim = try await SimulatorServer.start(options)
    do {
        let result = try await body(sim)
        await sim.stop()
        return result
    } catch {
        await sim.stop()
        throw error
    }
}

/// Sends one request and collects the whole answer.
func send(
    _ url: String,
    method: HTTPMethod = .POST,
    json: String? = nil,
    headers: [(String, String)] = [],
    timeout: TimeAmount = .seconds(30)
) async throws -> SimReply {
    var request = HTTPClientRequest(url: url)
    request.method = method
    if let json {
        request.headers.add(name: "content-type", value: "application/json")
        request.body = .bytes(ByteBuffer(string: json))
    }
    for (name, value) in headers { request.headers.add(name: name, value: value) }
    let response = try await HTTPClient.shared.execute(request, timeout: timeout)
    let body = try await response.body.collect(upTo: 16 << 20)
    return SimReply(status: Int(response.status.code), headers: response.headers, body: Array(body.readableBytesView))
}

/// Sends one request and returns its body chunks as they arrived, calling `onChunk` with
/// the index of each.
func sendStreaming(
    _ url: String,
    json: String,
    headers: [(String, String)] = [],
    onChunk: (Int) -> Void = { _ in }
) async throws -> (status: Int, headers: HTTPHeaders, chunks: [[UInt8]]) {
    var request = HTTPClientRequest(url: url)
    request.method = .POST
    request.headers.add(name: "content-type", value: "application/json")
    for (name, value) in headers { request.headers.add(name: name, value: value) }
    request.body = .bytes(ByteBuffer(string: json))
    let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
    var chunks: [[UInt8]] = []
    for try await buffer in response.body {
        onChunk(chunks.count)
        chunks.append(Array(buffer.readableBytesView))
    }
    return (Int(response.status.code), response.headers, chunks)
}

/// One server-sent event.
struct SSEEvent {
    var event: String?
    var data: String

    func json() throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(data.utf8))
        return try #require(object as? [String: Any])
    }
}

/// Parses an SSE body (`\n` or `\r\n` line ends) into events; comments are skipped.
func parseSSE(_ text: String) -> [SSEEvent] {
    var events: [SSEEvent] = []
    let normalized = text.replacingOccurrences(of: "\r\n", with: "\n")
    for block in normalized.components(separatedBy: "\n\n") where !block.isEmpty {
        var name: String?
        var data: [String] = []
        for line in block.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("event: ") { name = String(line.dropFirst(7)) }
            if line.hasPrefix("data: ") { data.append(String(line.dropFirst(6))) }
        }
        if name != nil || !data.isEmpty {
            events.append(SSEEvent(event: name, data: data.joined(separator: "\n")))
        }
    }
    return events
}

/// Polls `condition` until it holds (up to `attempts` × 20 ms); no timing assertion.
func eventually(attempts: Int = 250, _ condition: () -> Bool) async throws -> Bool {
    for _ in 0..<attempts {
        if condition() { return true }
        try await Task.sleep(for: .milliseconds(20))
    }
    return condition()
}

/// The model answer text of an OpenAI response body.
func openAIContent(_ json: [String: Any]) -> String? {
    let choices = json["choices"] as? [[String: Any]]
    let message = choices?.first?["message"] as? [String: Any]
    return message?["content"] as? String
}

/// Expects `condition` to hold within a few seconds of polling.
func expectEventually(sourceLocation: SourceLocation = #_sourceLocation, _ condition: () -> Bool) async throws {
    let held = try await eventually(condition)
    #expect(held, sourceLocation: sourceLocation)
}
