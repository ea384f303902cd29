import Foundation
import Testing

@testable import SwitchyardSimulator

@Suite("Anthropic simulator")
struct AnthropicSimulatorTests {
    static let version = [("anthropic-version", "2023-06-01")]
    static let body = #"{"model":"claude-sonnet-4-5","max_tokens":1024,"messages":[{"role":"user","content":"Hi"}]}"#

    @Test func nonStreamResponseShape() async throws {
        try await withSimulator(.init(protocol: .anthropic, name: "gamma")) { sim in
            let reply = try await send(sim.baseURL + "/v1/messages", json: Self.body, headers: Self.version)
            #expect(reply.status == 200)
            #expect(reply.headers["request-id"].first?.hasPrefix("req_") == true)
            let json = try reply.json()
            #expect((json["id"] as? String)?.hasPrefix("msg_") == true)
            #expect(json["type"] as? String == "message")
            #expect(json["role"] as? String == "assistant")
            #expect(json["model"] as? String == "claude-sonnet-4-5")
            #expect(json["stop_reason"] as? String == "end_turn")
            #expect(json["stop_sequence"] is NSNull)
            let block = try #require((json["content"] as? [[String: Any]])?.first)
            #expect(block["type"] as? String == "text")
            #expect((block["text"] as? String)?.hasPrefix("Hello from gamma!") == true)
            let usage = try #require(json["usage"] as? [String: Any])
            #expect((usage["input_tokens"] as? Int ?? 0) > 0)
            #expect(usage["output_tokens"] as? Int == 16)
            #expect(usage["cache_read_input_tokens"] as? Int == 0)
        }
    }

    @Test func streamEventSequence() async throws {
        try await withSimulator(.init(protocol: .anthropic, chunkCount: 3)) { sim in
            let body = #"{"model":"claude","max_tokens":100,"stream":true,"messages":[{"role":"user","content":"Hi"}]}"#
            let reply = try await send(sim.baseURL + "/v1/messages", json: body, headers: Self.version)
            #expect(reply.headers["content-type"].first == "text/event-stream")
            let events = parseSSE(reply.text)
            let names = events.compactMap(\.event)
            #expect(
                names == [
                    "message_start", "content_block_start", "ping",
                    "content_block_delta", "content_block_delta", "content_block_delta",
                    "content_block_stop", "message_delta", "message_stop",
                ]
            )
            for event in events {
                #expect(try event.json()["type"] as? String == event.event)
            }
            let start = try events[0].json()["message"] as? [String: Any]
            #expect((start?["usage"] as? [String: Any])?["output_tokens"] as? Int == 1)
            let text = try events[3...5].compactMap { (try $0.json()["delta"] as? [String: Any])?["text"] as? String }.joined()
            #expect(text == "Hello from sim-anthropic!")
            let delta = try events[7].json()
            #expect((delta["delta"] as? [String: Any])?["stop_reason"] as? String == "end_turn")
            #expect((delta["usage"] as? [String: Any])?["output_tokens"] as? Int == 3)
        }
    }

    @Test func toolUse() async throws {
        let body = #"""
            {"model":"claude","max_tokens":100,"messages":[{"role":"user","content":"Weather?"}],
             "tools":[{"name":"get_weather","input_schema":{"type":"object"}}]}
            """#
        try await withSimulator(.init(protocol: .anthropic)) { sim in
            let json = try await send(sim.baseURL + "/v1/messages", json: body, headers: Self.version).json()
            #expect(json["stop_reason"] as? String == "tool_use")
            let block = try #require((json["content"] as? [[String: Any]])?.first)
            #expect(block["type"] as? String == "tool_use")
            #expect((block["id"] as? String)?.hasPrefix("toolu_") == true)
            #expect(block["name"] as? String == "get_weather")
            #expect(block["input"] as? [String: Bool] == ["simulated": true])

            let streamBody = body.replacingOccurrences(of: #""max_tokens":100,"#, with: #""max_tokens":100,"stream":true,"#)
            let events = parseSSE(try await send(sim.baseURL + "/v1/messages", json: streamBody, headers: Self.version).text)
            let start = try #require(events.first { $0.event == "content_block_start" })
            #expect((try start.json()["content_block"] as? [String: Any])?["type"] as? String == "tool_use")
            let partial = try events.filter { $0.event == "content_block_delta" }
                .compactMap { (try $0.json()["delta"] as? [String: Any])?["partial_json"] as? String }.joined()
            #expect(partial == #"{"simulated":true}"#)

            let followUp = #"""
                {"model":"claude","max_tokens":100,"tools":[{"name":"get_weather","input_schema":{}}],
                 "messages":[{"role":"user","content":"Weather?"},
                  {"role":"assistant","content":[{"type":"tool_use","id":"toolu_1","name":"get_weather","input":{}}]},
                  {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":"21C"}]}]}
                """#
            let answer = try await send(sim.baseURL + "/v1/messages", json: followUp, headers: Self.version).json()
            #expect(answer["stop_reason"] as? String == "end_turn")
        }
    }

    @Test(arguments: [(529, "overloaded_error"), (429, "rate_limit_error"), (500, "api_error")])
    func errorStatuses(status: Int, type: String) async throws {
        try await withSimulator(.init(protocol: .anthropic, errorRate: 1, errorStatus: status)) { sim in
            let reply = try await send(sim.baseURL + "/v1/messages", json: Self.body, headers: Self.version)
            #expect(reply.status == status)
            let json = try reply.json()
            #expect(json["type"] as? String == "error")
            #expect((json["error"] as? [String: Any])?["type"] as? String == type)
            if status == 429 { #expect(reply.headers["retry-after"].first == "1") }
        }
    }

    @Test func missingVersionHeaderIs400() async throws {
        try await withSimulator(.init(protocol: .anthropic)) { sim in
            let reply = try await send(sim.baseURL + "/v1/messages", json: Self.body)
            #expect(reply.status == 400)
            #expect((try reply.json()["error"] as? [String: Any])?["type"] as? String == "invalid_request_error")
        }
    }

    @Test func inBandStreamError() async throws {
        let options = SimulatorOptions(protocol: .anthropic, errorRate: 1, errorStatus: 529, inBandStreamErrors: true)
        try await withSimulator(options) { sim in
            let body = #"{"model":"c","max_tokens":10,"stream":true,"messages":[{"role":"user","content":"Hi"}]}"#
            let reply = try await send(sim.baseURL + "/v1/messages", json: body, headers: Self.version)
            #expect(reply.status == 200)
            let event = try #require(parseSSE(reply.text).first)
            #expect(event.event == "error")
            #expect((try event.json()["error"] as? [String: Any])?["type"] as? String == "overloaded_error")
        }
    }
}
