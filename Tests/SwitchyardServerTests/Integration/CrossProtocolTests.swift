import Foundation
import SwitchyardCore
import SwitchyardSimulator
import SwitchyardTesting
import Testing

/// The OpenAI API in front of other protocols' simulators (and Anthropic's API in front of
/// any): the client changes only `model`.
@Suite("Cross-protocol routing")
struct CrossProtocolTests {
    let http = TestHTTPClient.shared

    static func provider(_ name: String, _ wire: String, _ sim: RunningSimulator) -> ProviderConfig {
        var provider = TestConfigs.provider(name, simulator: sim)
        provider.protocolName = wire
        provider.baseURL = sim.baseURL + (wire == "openai" ? "/v1" : "")
        if wire == "bedrock" {
            provider.options = ProviderOptions(region: "us-east-1", awsAccessKeyID: Secret("AKIDEXAMPLE"), awsSecretAccessKey: Secret("secret"))
        }
        return provider
    }

    static let toolBody = #"{"model":"MODEL","messages":[{"role":"user","content":"Weather in Paris?"}],"tools":[{"type":"function","function":{"name":"get_weather","description":"Current weather","parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}}],"max_tokens":32}"#

    /// Chat, stream (with usage) and a tool call through the gateway to one protocol's simulator.
    func exercise(protocol wire: SimulatedProtocol, upstreamModel: String) async throws {
        try await Harness.withGateway(simulators: ["up": SimulatorOptions(protocol: wire)], { sims in
            guard let sim = sims["up"] else { return ([], [], []) }
            return ([Self.provider("up", wire.rawValue, sim)], [TestConfigs.model("m", on: ["up"], upstream: upstreamModel)], [])
        }) { gateway, _ in
            let reply = try await http.post(gateway.baseURL + "/v1/chat/completions", body: Harness.chatBody(model: "m"), headers: Harness.auth)
            #expect(reply.status == 200, "\(wire): \(reply.body)")
            let choice = (reply.json["choices"] as? [[String: Any]])?.first
            let message = choice?["message"] as? [String: Any]
            #expect((message?["content"] as? String)?.contains("Hello from up") == true, "\(wire): \(reply.body)")
            let usage = reply.json["usage"] as? [String: Any]
            #expect((usage?["completion_tokens"] as? Int ?? 0) > 0, "\(wire): usage \(String(describing: usage))")

            let streamed = try await http.post(
                gateway.baseURL + "/v1/chat/completions",
                body: Harness.chatBody(model: "m", stream: true, includeUsage: true),
                headers: Harness.auth
            )
            let events = SSEText.dataLines(streamed.body)
            #expect(events.last == "[DONE]", "\(wire): \(events.suffix(3))")
            #expect(events.contains { $0.contains(#""choices":[]"#) && $0.contains(#""usage":{"#) }, "\(wire): no usage chunk")
            let text = events.compactMap { event -> String? in
                guard let data = event.data(using: .utf8), let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                    let choice = (object["choices"] as? [[String: Any]])?.first, let delta = choice["delta"] as? [String: Any]
                else { return nil }
                return delta["content"] as? String
            }.joined()
            #expect(text.contains("Hello from up"), "\(wire): streamed text \(text)")

            let tool = try await http.post(
                gateway.baseURL + "/v1/chat/completions",
                body: Self.toolBody.replacingOccurrences(of: "MODEL", with: "m"),
                headers: Harness.auth
            )
            let toolChoice = (tool.json["choices"] as? [[String: Any]])?.first
            #expect(toolChoice?["finish_reason"] as? String == "tool_calls", "\(wire): \(tool.body)")
            let calls = (toolChoice?["message"] as? [String: Any])?["tool_calls"] as? [[String: Any]]
            #expect((calls?.first?["function"] as? [String: Any])?["name"] as? String == "get_weather", "\(wire): \(tool.body)")
        }
    }

    @Test func openAIClientToAnthropic() async throws {
        try await exercise(protocol: .anthropic, upstreamModel: "claude-sonnet-4-5")
    }

    @Test func openAIClientToGemini() async throws {
        try await exercise(protocol: .gemini, upstreamModel: "gemini-2.5-flash")
    }

    @Test func openAIClientToBedrock() async throws {
        try await exercise(protocol: .bedrock, upstreamModel: "anthropic.claude-3-haiku-20240307-v1:0")
    }

    @Test func anthropicOverloadFailsOverToGemini() async throws {
        var overloaded = SimulatorOptions(protocol: .anthropic)
        overloaded.errorRate = 1
        overloaded.errorStatus = 529
        try await Harness.withGateway(simulators: ["claude": overloaded, "gemini": SimulatorOptions(protocol: .gemini)], { sims in
            guard let claude = sims["claude"], let gemini = sims["gemini"] else { return ([], [], []) }
            return (
                [Self.provider("claude", "anthropic", claude), Self.provider("gemini", "gemini", gemini)],
                [TestConfigs.model("a", on: ["claude"], upstream: "claude-sonnet-4-5"), TestConfigs.model("b", on: ["gemini"], upstream: "gemini-2.5-flash")],
                [RouteConfig(name: "r", strategy: .priority, targets: ["a", "b"])]
            )
        }) { gateway, _ in
            let reply = try await http.post(gateway.baseURL + "/v1/chat/completions", body: Harness.chatBody(model: "r"), headers: Harness.auth)
            #expect(reply.status == 200)
            #expect(reply.header("x-switchyard-provider") == "gemini")
            #expect(reply.header("x-switchyard-attempts") == "2")
            #expect(reply.body.contains("Hello from gemini"))
            let streamed = try await http.post(gateway.baseURL + "/v1/chat/completions", body: Harness.chatBody(model: "r", stream: true), headers: Harness.auth)
            #expect(streamed.status == 200)
            #expect(streamed.header("x-switchyard-provider") == "gemini")
            #expect(SSEText.dataLines(streamed.body).last == "[DONE]")
        }
    }

    @Test func messagesIngressRoutedToAnOpenAIUpstream() async throws {
        try await Harness.withGateway(simulators: ["gpt": SimulatorOptions(protocol: .openai)], { sims in
            guard let gpt = sims["gpt"] else { return ([], [], []) }
            return ([Self.provider("gpt", "openai", gpt)], [TestConfigs.model("claude-like", on: ["gpt"])], [])
        }) { gateway, _ in
            let body = #"{"model":"claude-like","max_tokens":32,"system":"Be terse.","messages":[{"role":"user","content":"hi"}]}"#
            let reply = try await http.post(gateway.baseURL + "/v1/messages", body: body, headers: ["x-api-key": Harness.clientKey, "anthropic-version": "2023-06-01"])
            #expect(reply.status == 200, "\(reply.body)")
            #expect(reply.json["type"] as? String == "message")
            let content = reply.json["content"] as? [[String: Any]]
            #expect((content?.first?["text"] as? String)?.contains("Hello from gpt") == true)

            let streamed = try await http.post(
                gateway.baseURL + "/v1/messages",
                body: body.replacingOccurrences(of: #""max_tokens":32"#, with: #""max_tokens":32,"stream":true"#),
                headers: ["x-api-key": Harness.clientKey, "anthropic-version": "2023-06-01"]
            )
            let names = streamed.body.split(separator: "\n").filter { $0.hasPrefix("event: ") }.map { String($0.dropFirst(7)) }
            #expect(names.first == "message_start", "\(names)")
            #expect(names.last == "message_stop", "\(names)")
            #expect(names.contains("content_block_delta"))

            let unauthorized = try await http.post(gateway.baseURL + "/v1/messages", body: body, headers: ["x-api-key": "wrong"])
            #expect(unauthorized.status == 401)
            #expect(unauthorized.json["type"] as? String == "error")
            let invalid = try await http.post(gateway.baseURL + "/v1/messages", body: #"{"model":"claude-like"}"#, headers: ["x-api-key": Harness.clientKey])
            #expect(invalid.status == 400)
            #expect((invalid.json["error"] as? [String: Any])?["type"] as? String == "invalid_request_error")
        }
    }
}
