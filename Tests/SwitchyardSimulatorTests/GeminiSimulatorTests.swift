import Foundation
import Testing

@testable import SwitchyardSimulator

@Suite("Gemini simulator")
struct GeminiSimulatorTests {
    static let body = #"{"contents":[{"role":"user","parts":[{"text":"Hi"}]}]}"#

    @Test func nonStreamResponseShape() async throws {
        try await withSimulator(.init(protocol: .gemini, name: "delta")) { sim in
            let reply = try await send(sim.baseURL + "/v1beta/models/gemini-2.5-flash:generateContent", json: Self.body)
            #expect(reply.status == 200)
            let json = try reply.json()
            let candidate = try #require((json["candidates"] as? [[String: Any]])?.first)
            #expect(candidate["finishReason"] as? String == "STOP")
            let content = try #require(candidate["content"] as? [String: Any])
            #expect(content["role"] as? String == "model")
            let text = (content["parts"] as? [[String: Any]])?.first?["text"] as? String
            #expect(text?.hasPrefix("Hello from delta!") == true)
            let usage = try #require(json["usageMetadata"] as? [String: Any])
            let prompt = try #require(usage["promptTokenCount"] as? Int)
            #expect(usage["candidatesTokenCount"] as? Int == 16)
            #expect(usage["totalTokenCount"] as? Int == prompt + 16)
            #expect(json["modelVersion"] as? String == "gemini-2.5-flash")
        }
    }

    @Test func sseStreamAndMaxTokens() async throws {
        try await withSimulator(.init(protocol: .gemini)) { sim in
            let body = #"{"contents":[{"role":"user","parts":[{"text":"Hi"}]}],"generationConfig":{"maxOutputTokens":3}}"#
            let reply = try await send(sim.baseURL + "/v1beta/models/g:streamGenerateContent?alt=sse", json: body)
            #expect(reply.headers["content-type"].first == "text/event-stream")
            let events = try parseSSE(reply.text).map { try $0.json() }
            #expect(events.count == 4)
            let texts = events.compactMap {
                (((($0["candidates"] as? [[String: Any]])?.first)?["content"] as? [String: Any])?["parts"] as? [[String: Any]])?
                    .first?["text"] as? String
            }
            #expect(texts.joined() == "Hello from sim-gemini!")
            let last = (events.last?["candidates"] as? [[String: Any]])?.first
            #expect(last?["finishReason"] as? String == "MAX_TOKENS")
            #expect((events.last?["usageMetadata"] as? [String: Any])?["candidatesTokenCount"] as? Int == 3)
            #expect(events.dropLast().allSatisfy { (($0["candidates"] as? [[String: Any]])?.first)?["finishReason"] == nil })
        }
    }

    @Test func streamWithoutSSEIsOneJSONArray() async throws {
        try await withSimulator(.init(protocol: .gemini, chunkCount: 2)) { sim in
            let reply = try await send(sim.baseURL + "/v1beta/models/g:streamGenerateContent", json: Self.body)
            let array = try JSONSerialization.jsonObject(with: Data(reply.body)) as? [[String: Any]]
            #expect(array?.count == 3)
        }
    }

    @Test func functionCall() async throws {
        let body = #"""
            {"contents":[{"role":"user","parts":[{"text":"Weather?"}]}],
             "tools":[{"functionDeclarations":[{"name":"get_weather","parameters":{"type":"OBJECT"}}]}]}
            """#
        try await withSimulator(.init(protocol: .gemini)) { sim in
            let json = try await send(sim.baseURL + "/v1beta/models/g:generateContent", json: body).json()
            let candidate = try #require((json["candidates"] as? [[String: Any]])?.first)
            #expect(candidate["finishReason"] as? String == "STOP")
            let part = try #require(((candidate["content"] as? [String: Any])?["parts"] as? [[String: Any]])?.first)
            let call = try #require(part["functionCall"] as? [String: Any])
            #expect(call["name"] as? String == "get_weather")
            #expect(call["args"] as? [String: Bool] == ["simulated": true])

            let answered = #"""
                {"contents":[{"role":"user","parts":[{"text":"Weather?"}]},
                  {"role":"model","parts":[{"functionCall":{"name":"get_weather","args":{}}}]},
                  {"role":"user","parts":[{"functionResponse":{"name":"get_weather","response":{"t":21}}}]}],
                 "tools":[{"functionDeclarations":[{"name":"get_weather"}]}]}
                """#
            let text = try await send(sim.baseURL + "/v1beta/models/g:generateContent", json: answered).json()
            let textPart = ((((text["candidates"] as? [[String: Any]])?.first)?["content"] as? [String: Any])?["parts"] as? [[String: Any]])?.first
            #expect(textPart?["text"] is String)
        }
    }

    @Test(arguments: [(429, "RESOURCE_EXHAUSTED"), (503, "UNAVAILABLE"), (500, "INTERNAL")])
    func errorBodies(status: Int, rpc: String) async throws {
        try await withSimulator(.init(protocol: .gemini, errorRate: 1, errorStatus: status)) { sim in
            let reply = try await send(sim.baseURL + "/v1beta/models/g:generateContent", json: Self.body)
            #expect(reply.status == status)
            let error = try #require(try reply.json()["error"] as? [String: Any])
            #expect(error["code"] as? Int == status)
            #expect(error["status"] as? String == rpc)
            if status == 429 {
                let retry = (error["details"] as? [[String: Any]])?.first
                #expect(retry?["retryDelay"] as? String == "1s")
            }
        }
    }

    @Test func apiKeyViaHeaderOrQuery() async throws {
        try await withSimulator(.init(protocol: .gemini, requireAPIKey: "g-key")) { sim in
            let url = sim.baseURL + "/v1beta/models/g:generateContent"
            do {
                let status = try await send(url, json: Self.body).status
                #expect(status == 400)
            }
            do {
                let status = try await send(url, json: Self.body, headers: [("x-goog-api-key", "g-key")]).status
                #expect(status == 200)
            }
            do {
                let status = try await send(url + "?key=g-key", json: Self.body).status
                #expect(status == 200)
            }
        }
    }
}
