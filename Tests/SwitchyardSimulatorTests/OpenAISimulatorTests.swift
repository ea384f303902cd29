import Foundation
import Testing

@testable import SwitchyardSimulator

@Suite("OpenAI simulator")
struct OpenAISimulatorTests {
    static let chat = #"{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Hi"}]}"#

    @Test func nonStreamResponseHasTheDocumentedShape() async throws {
        try await withSimulator(.init(protocol: .openai, name: "alpha")) { sim in
            let reply = try await send(sim.baseURL + "/v1/chat/completions", json: Self.chat)
            #expect(reply.status == 200)
            #expect(reply.headers["content-type"].first == "application/json")
            #expect(reply.headers["x-request-id"].first?.hasPrefix("req_") == true)
            let json = try reply.json()
            #expect((json["id"] as? String)?.hasPrefix("chatcmpl-") == true)
            #expect(json["object"] as? String == "chat.completion")
            #expect(json["model"] as? String == "gpt-4o-mini")
            #expect((json["created"] as? Int ?? 0) > 1_700_000_000)
            let choice = try #require((json["choices"] as? [[String: Any]])?.first)
            #expect(choice["index"] as? Int == 0)
            #expect(choice["finish_reason"] as? String == "stop")
            let message = try #require(choice["message"] as? [String: Any])
            #expect(message["role"] as? String == "assistant")
            #expect((message["content"] as? String)?.hasPrefix("Hello from alpha!") == true)
            let usage = try #require(json["usage"] as? [String: Any])
            let prompt = try #require(usage["prompt_tokens"] as? Int)
            #expect(prompt > 0)
            #expect(usage["completion_tokens"] as? Int == 16)
            #expect(usage["total_tokens"] as? Int == prompt + 16)
            #expect((usage["prompt_tokens_details"] as? [String: Any])?["cached_tokens"] as? Int == 0)
            #expect((usage["completion_tokens_details"] as? [String: Any])?["reasoning_tokens"] as? Int == 0)
        }
    }

    @Test func pathWithoutV1PrefixAndMaxTokensCapLength() async throws {
        try await withSimulator(.init(protocol: .openai)) { sim in
            let body = #"{"model":"m","max_completion_tokens":3,"messages":[{"role":"user","content":"Hi"}]}"#
            let json = try await send(sim.baseURL + "/chat/completions", json: body).json()
            let choice = try #require((json["choices"] as? [[String: Any]])?.first)
            #expect(choice["finish_reason"] as? String == "length")
            #expect((json["usage"] as? [String: Any])?["completion_tokens"] as? Int == 3)
            #expect(openAIContent(json) == "Hello from sim-openai!")
        }
    }

    @Test(arguments: [false, true])
    func streamEventSequence(includeUsage: Bool) async throws {
        try await withSimulator(.init(protocol: .openai, name: "beta", chunkCount: 4)) { sim in
            let options = includeUsage ? #","stream_options":{"include_usage":true}"# : ""
            let body = #"{"model":"gpt-4o","stream":true"# + options + #","messages":[{"role":"user","content":"Hi"}]}"#
            let reply = try await send(sim.baseURL + "/v1/chat/completions", json: body)
            #expect(reply.status == 200)
            #expect(reply.headers["content-type"].first == "text/event-stream")
            #expect(reply.headers["x-request-id"].first != nil)
            let events = parseSSE(reply.text)
            #expect(events.allSatisfy { $0.event == nil })
            #expect(events.last?.data == "[DONE]")
            let chunks = try events.dropLast().map { try $0.json() }
            let expectedCount = includeUsage ? 7 : 6
            #expect(chunks.count == expectedCount)
            let ids = Set(chunks.compactMap { $0["id"] as? String })
            #expect(ids.count == 1)
            let objects = Set(chunks.compactMap { $0["object"] as? String })
            let models = Set(chunks.compactMap { $0["model"] as? String })
            #expect(objects == ["chat.completion.chunk"])
            #expect(models == ["gpt-4o"])
            func delta(_ chunk: [String: Any]) -> [String: Any]? {
                ((chunk["choices"] as? [[String: Any]])?.first)?["delta"] as? [String: Any]
            }
            #expect(delta(chunks[0])?["role"] as? String == "assistant")
            let text = chunks[1...4].compactMap { delta($0)?["content"] as? String }.joined()
            #expect(text == "Hello from beta! The")
            let finish = (chunks[5]["choices"] as? [[String: Any]])?.first
            #expect(finish?["finish_reason"] as? String == "stop")
            if includeUsage {
                #expect(chunks.dropLast().allSatisfy { $0["usage"] is NSNull })
                let usageChunk = try #require(chunks.last)
                #expect((usageChunk["choices"] as? [Any])?.isEmpty == true)
                #expect((usageChunk["usage"] as? [String: Any])?["completion_tokens"] as? Int == 4)
            } else {
                #expect(chunks.allSatisfy { $0["usage"] == nil })
            }
        }
    }

    @Test func streamChunksAreFlushedAsProduced() async throws {
        // 200 ms apart: under a full suite on 2 cores, the client may see its first chunk late.
        let options = SimulatorOptions(protocol: .openai, chunkCount: 5, chunkIntervalMs: 200)
        try await withSimulator(options) { sim in
            var inFlightAtFirstChunk = -1
            let body = #"{"model":"m","stream":true,"messages":[{"role":"user","content":"Hi"}]}"#
            let result = try await sendStreaming(sim.baseURL + "/v1/chat/completions", json: body) { index in
                if index == 0 { inFlightAtFirstChunk = sim.server.stats().inFlight }
            }
            #expect(result.status == 200)
            #expect(result.chunks.count > 1)
            // The first bytes arrived while the server was still producing the stream.
            #expect(inFlightAtFirstChunk == 1)
            try await expectEventually { sim.server.stats().completed == 1 }
        }
    }

    @Test func toolCallWhenToolsAndLastMessageIsUser() async throws {
        let body = #"""
            {"model":"m","messages":[{"role":"user","content":"Weather?"}],
             "tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object"}}}]}
            """#
        try await withSimulator(.init(protocol: .openai)) { sim in
            let json = try await send(sim.baseURL + "/v1/chat/completions", json: body).json()
            let choice = try #require((json["choices"] as? [[String: Any]])?.first)
            #expect(choice["finish_reason"] as? String == "tool_calls")
            let message = try #require(choice["message"] as? [String: Any])
            #expect(message["content"] is NSNull)
            let call = try #require((message["tool_calls"] as? [[String: Any]])?.first)
            #expect((call["id"] as? String)?.hasPrefix("call_") == true)
            #expect(call["type"] as? String == "function")
            let function = try #require(call["function"] as? [String: Any])
            #expect(function["name"] as? String == "get_weather")
            let arguments = try #require(function["arguments"] as? String)
            #expect((try? JSONSerialization.jsonObject(with: Data(arguments.utf8))) is [String: Any])
        }
    }

    @Test func toolCallStreamsAsFragments() async throws {
        let body = #"""
            {"model":"m","stream":true,"messages":[{"role":"user","content":"Weather?"}],
             "tools":[{"type":"function","function":{"name":"get_weather"}}]}
            """#
        try await withSimulator(.init(protocol: .openai)) { sim in
            let events = parseSSE(try await send(sim.baseURL + "/v1/chat/completions", json: body).text)
            #expect(events.last?.data == "[DONE]")
            let chunks = try events.dropLast().map { try $0.json() }
            let choices = chunks.compactMap { ($0["choices"] as? [[String: Any]])?.first }
            let calls = choices.compactMap { ($0["delta"] as? [String: Any])?["tool_calls"] as? [[String: Any]] }.flatMap { $0 }
            let first = try #require(calls.first)
            #expect(first["index"] as? Int == 0)
            #expect((first["id"] as? String)?.hasPrefix("call_") == true)
            #expect((first["function"] as? [String: Any])?["name"] as? String == "get_weather")
            let arguments = calls.compactMap { ($0["function"] as? [String: Any])?["arguments"] as? String }.joined()
            #expect(arguments == #"{"simulated":true}"#)
            #expect(choices.last?["finish_reason"] as? String == "tool_calls")
        }
    }

    @Test func toolResultMessageGetsTextAnswer() async throws {
        let body = #"""
            {"model":"m","messages":[{"role":"user","content":"Weather?"},
              {"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{}"}}]},
              {"role":"tool","tool_call_id":"call_1","content":"{\"temp_c\":21}"}],
             "tools":[{"type":"function","function":{"name":"get_weather"}}]}
            """#
        try await withSimulator(.init(protocol: .openai)) { sim in
            let json = try await send(sim.baseURL + "/v1/chat/completions", json: body).json()
            #expect(openAIContent(json)?.hasPrefix("Hello from") == true)
            #expect(((json["choices"] as? [[String: Any]])?.first)?["finish_reason"] as? String == "stop")
        }
    }

    @Test func embeddingsFloatAndBase64() async throws {
        try await withSimulator(.init(protocol: .openai)) { sim in
            let url = sim.baseURL + "/v1/embeddings"
            let floats = try await send(url, json: #"{"model":"e","input":["a","b"],"dimensions":16}"#).json()
            #expect(floats["object"] as? String == "list")
            let data = try #require(floats["data"] as? [[String: Any]])
            #expect(data.count == 2)
            let first = try #require(data[0]["embedding"] as? [Double])
            #expect(first.count == 16)
            let again = try await send(url, json: #"{"model":"e","input":"a","dimensions":16}"#).json()
            #expect(((again["data"] as? [[String: Any]])?.first?["embedding"] as? [Double]) == first)
            let b64 = try await send(url, json: #"{"model":"e","input":"a","encoding_format":"base64"}"#).json()
            let encoded = try #require((b64["data"] as? [[String: Any]])?.first?["embedding"] as? String)
            #expect(Data(base64Encoded: encoded)?.count == 8 * 4)
            #expect((b64["usage"] as? [String: Any])?["prompt_tokens"] as? Int == 1)
        }
    }

    @Test func modelsList() async throws {
        try await withSimulator(.init(protocol: .openai, models: ["a", "b"])) { sim in
            let json = try await send(sim.baseURL + "/v1/models", method: .GET).json()
            #expect(json["object"] as? String == "list")
            #expect((json["data"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == ["a", "b"])
            let one = try await send(sim.baseURL + "/v1/models/gpt-x", method: .GET).json()
            #expect(one["id"] as? String == "gpt-x")
        }
    }

    @Test func rateLimitCarriesRetryAfter() async throws {
        try await withSimulator(.init(protocol: .openai, errorRate: 1, errorStatus: 429)) { sim in
            let reply = try await send(sim.baseURL + "/v1/chat/completions", json: Self.chat)
            #expect(reply.status == 429)
            #expect(reply.headers["retry-after"].first == "1")
            #expect(reply.headers["retry-after-ms"].first == "1000")
            let error = try #require(try reply.json()["error"] as? [String: Any])
            #expect(error["code"] as? String == "rate_limit_exceeded")
            #expect(error["message"] is String)
            #expect(error["param"] is NSNull)
            #expect(sim.server.stats().failed == 1)
        }
    }

    @Test(arguments: [500, 503])
    func serverErrorsUseServerErrorType(status: Int) async throws {
        try await withSimulator(.init(protocol: .openai, errorRate: 1, errorStatus: status)) { sim in
            let reply = try await send(sim.baseURL + "/v1/chat/completions", json: Self.chat)
            #expect(reply.status == status)
            #expect((try reply.json()["error"] as? [String: Any])?["type"] as? String == "server_error")
        }
    }

    @Test func malformedRequestJSONIs400() async throws {
        try await withSimulator(.init(protocol: .openai)) { sim in
            let reply = try await send(sim.baseURL + "/v1/chat/completions", json: "{not json")
            #expect(reply.status == 400)
            #expect((try reply.json()["error"] as? [String: Any])?["type"] as? String == "invalid_request_error")
            let missing = try await send(sim.baseURL + "/v1/chat/completions", json: #"{"messages":[]}"#)
            #expect(missing.status == 400)
        }
    }

    @Test func requiredAPIKey() async throws {
        try await withSimulator(.init(protocol: .openai, requireAPIKey: "sk-sim")) { sim in
            let denied = try await send(sim.baseURL + "/v1/chat/completions", json: Self.chat)
            #expect(denied.status == 401)
            #expect((try denied.json()["error"] as? [String: Any])?["code"] as? String == "invalid_api_key")
            #expect(sim.server.stats().lastRequestHadAuthorization == false)
            let allowed = try await send(
                sim.baseURL + "/v1/chat/completions", json: Self.chat, headers: [("authorization", "Bearer sk-sim")]
            )
            #expect(allowed.status == 200)
            #expect(sim.server.stats().lastRequestHadAuthorization)
        }
    }
}
