import Foundation
import Testing

@testable import SwitchyardProviders
import SwitchyardCore

/// Canonical → Converse requests (providers.md §4.1).
@Suite struct BedrockTranslatorTests {
    typealias J = BedrockTestJSON

    static let conversation = #"""
        {"model": "m", "messages": [
          {"role": "system", "content": "You are terse."},
          {"role": "user", "content": [
            {"type": "text", "text": "What is in this image?"},
            {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0KGgo="}}
          ]},
          {"role": "assistant", "content": "Let me check.", "tool_calls": [
            {"id": "tooluse_abc", "type": "function", "function": {"name": "get_weather", "arguments": "{\"city\":\"Paris\"}"}}
          ]},
          {"role": "tool", "tool_call_id": "tooluse_abc", "content": "{\"temp_c\":21}"}
        ],
        "max_tokens": 1024, "temperature": 0.7, "top_p": 0.9, "stop": ["\n\n"],
        "seed": 7, "presence_penalty": 0.5, "frequency_penalty": 0.1, "user": "u1", "parallel_tool_calls": true,
        "tools": [{"type": "function", "function": {"name": "get_weather", "description": "Current weather",
          "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}}],
        "tool_choice": "auto"}
        """#

    /// The §4.1 example, less what canonical requests cannot say (cachePoint, additional
    /// model fields); tool results go as text, which every Converse model accepts.
    static let expected = #"""
        {
          "system": [{"text": "You are terse."}],
          "messages": [
            {"role": "user", "content": [
              {"text": "What is in this image?"},
              {"image": {"format": "png", "source": {"bytes": "iVBORw0KGgo="}}}
            ]},
            {"role": "assistant", "content": [
              {"text": "Let me check."},
              {"toolUse": {"toolUseId": "tooluse_abc", "name": "get_weather", "input": {"city": "Paris"}}}
            ]},
            {"role": "user", "content": [
              {"toolResult": {"toolUseId": "tooluse_abc", "content": [{"text": "{\"temp_c\":21}"}], "status": "success"}}
            ]}
          ],
          "inferenceConfig": {"maxTokens": 1024, "temperature": 0.7, "topP": 0.9, "stopSequences": ["\n\n"]},
          "toolConfig": {
            "tools": [{"toolSpec": {"name": "get_weather", "description": "Current weather",
                                    "inputSchema": {"json": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}}}],
            "toolChoice": {"auto": {}}
          }
        }
        """#

    @Test func goldenConverseRequest() throws {
        let translated = try BedrockTranslator.request(J.canonical(Self.conversation), upstreamModel: "mistral.mistral-large-2407-v1:0")
        #expect(J.value(encoding: translated.request) == J.value(Self.expected))
        #expect(translated.jsonToolName == nil)
    }

    @Test func claudeDropsWhitespaceStopSequences() throws {
        var canonical = try J.canonical(Self.conversation)
        canonical.stop = .many(["\n\n", "END"])
        let translated = try BedrockTranslator.request(canonical, upstreamModel: "us.anthropic.claude-sonnet-4-5-20250929-v1:0")
        #expect(translated.request.inferenceConfig?.stopSequences == ["END"])
        #expect(translated.request.toolConfig?.toolChoice == .auto)
    }

    @Test func toolChoiceOnlyForFamiliesThatTakeIt() throws {
        var canonical = try J.canonical(Self.conversation)
        canonical.tool_choice = .required
        #expect(try BedrockTranslator.request(canonical, upstreamModel: "anthropic.claude-3-haiku-20240307-v1:0").request.toolConfig?.toolChoice == .any)
        #expect(try BedrockTranslator.request(canonical, upstreamModel: "us.amazon.nova-pro-v1:0").request.toolConfig?.toolChoice == .any)
        canonical.tool_choice = .function("get_weather")
        #expect(try BedrockTranslator.request(canonical, upstreamModel: "anthropic.claude-3-haiku-20240307-v1:0").request.toolConfig?.toolChoice == .tool("get_weather"))
        let llama = try BedrockTranslator.request(canonical, upstreamModel: "meta.llama3-1-70b-instruct-v1:0").request
        #expect(llama.toolConfig?.tools.count == 1)
        #expect(llama.toolConfig?.toolChoice == nil)
    }

    @Test func toolChoiceNoneKeepsAToolConfigForHistory() throws {
        var canonical = try J.canonical(Self.conversation)
        canonical.tool_choice = CanonicalToolChoice.none
        let request = try BedrockTranslator.request(canonical, upstreamModel: "anthropic.claude-3-haiku-20240307-v1:0").request
        // The history has toolUse/toolResult: Bedrock needs a toolConfig naming the tool.
        #expect(request.toolConfig?.tools.map(\.toolSpec.name) == ["get_weather"])
        #expect(request.toolConfig?.toolChoice == nil)

        let plain = try J.canonical(#"{"model":"m","messages":[{"role":"user","content":"hi"}],"tools":[{"type":"function","function":{"name":"f"}}],"tool_choice":"none"}"#)
        #expect(try BedrockTranslator.request(plain, upstreamModel: "anthropic.x").request.toolConfig == nil)
    }

    @Test func minimalRequest() throws {
        let canonical = try J.canonical(#"{"model":"m","messages":[{"role":"user","content":"Hi"}],"max_tokens":64}"#)
        let translated = try BedrockTranslator.request(canonical, upstreamModel: "anthropic.claude-3-haiku-20240307-v1:0")
        #expect(J.value(encoding: translated.request)
            == J.value(#"{"messages":[{"role":"user","content":[{"text":"Hi"}]}],"inferenceConfig":{"maxTokens":64}}"#))
    }

    @Test func rolesAreNormalised() throws {
        let canonical = try J.canonical(#"""
            {"model":"m","messages":[
              {"role":"developer","content":"Be nice."},
              {"role":"assistant","content":"Hello!"},
              {"role":"user","content":"a"},
              {"role":"user","content":[{"type":"text","text":"b"}]},
              {"role":"assistant","content":null,"tool_calls":[
                {"id":"call_1","type":"function","function":{"name":"f","arguments":""}},
                {"id":"call.2/x","type":"function","function":{"name":"g","arguments":"{\"n\":1}"}}]},
              {"role":"tool","tool_call_id":"call_1","content":"one"},
              {"role":"tool","tool_call_id":"call.2/x","content":""},
              {"role":"user","content":"thanks"}
            ],"temperature":1.6}
            """#)
        let request = try BedrockTranslator.request(canonical, upstreamModel: "anthropic.claude").request
        let expected = J.value(#"""
            {"system":[{"text":"Be nice."}],
             "messages":[
              {"role":"user","content":[{"text":"."}]},
              {"role":"assistant","content":[{"text":"Hello!"}]},
              {"role":"user","content":[{"text":"a"},{"text":"b"}]},
              {"role":"assistant","content":[
                {"toolUse":{"toolUseId":"call_1","name":"f","input":{}}},
                {"toolUse":{"toolUseId":"call_2_x","name":"g","input":{"n":1}}}]},
              {"role":"user","content":[
                {"toolResult":{"toolUseId":"call_1","content":[{"text":"one"}],"status":"success"}},
                {"toolResult":{"toolUseId":"call_2_x","content":[{"text":"(no output)"}],"status":"success"}},
                {"text":"thanks"}]}
             ],
             "inferenceConfig":{"temperature":1},
             "toolConfig":{"tools":[
               {"toolSpec":{"name":"f","inputSchema":{"json":{"type":"object","properties":{}}}}},
               {"toolSpec":{"name":"g","inputSchema":{"json":{"type":"object","properties":{}}}}}]}}
            """#)
        #expect(J.value(encoding: request) == expected)
    }

    @Test func systemOnlyBecomesTheUserTurn() throws {
        let canonical = try J.canonical(#"{"model":"m","messages":[{"role":"system","content":"Say hi."}]}"#)
        let request = try BedrockTranslator.request(canonical, upstreamModel: "x").request
        #expect(request.system == nil)
        #expect(request.messages == [.init(role: "user", content: [.text("Say hi.")])])
    }

    @Test func jsonSchemaBecomesAForcedTool() throws {
        let canonical = try J.canonical(#"""
            {"model":"m","messages":[{"role":"user","content":"Give me a city"}],
             "response_format":{"type":"json_schema","json_schema":{"name":"city","schema":{"type":"object","properties":{"name":{"type":"string"}}}}}}
            """#)
        let claude = try BedrockTranslator.request(canonical, upstreamModel: "anthropic.claude-3-haiku-20240307-v1:0")
        #expect(claude.jsonToolName == "json_tool_call")
        #expect(claude.request.toolConfig?.toolChoice == .tool("json_tool_call"))
        #expect(claude.request.toolConfig?.tools.first?.toolSpec.inputSchema.json
            == J.value(#"{"type":"object","properties":{"name":{"type":"string"}}}"#))

        let llama = try BedrockTranslator.request(canonical, upstreamModel: "meta.llama3-1-70b-instruct-v1:0")
        #expect(llama.jsonToolName == nil)
        #expect(llama.request.toolConfig == nil)
        #expect(llama.request.system?.last?.text.hasPrefix("Respond only with a JSON object") == true)
    }

    @Test func unsupportedInputIsRejectedNotSent() throws {
        let url = try J.canonical(#"{"model":"m","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"https://x/y.png"}}]}]}"#)
        #expect(throws: UpstreamFailure.self) { try BedrockTranslator.request(url, upstreamModel: "x") }
        let bmp = try J.canonical(#"{"model":"m","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"data:image/bmp;base64,AA=="}}]}]}"#)
        #expect(throws: UpstreamFailure.self) { try BedrockTranslator.request(bmp, upstreamModel: "x") }
        let n = try J.canonical(#"{"model":"m","messages":[{"role":"user","content":"x"}],"n":2}"#)
        #expect(throws: UpstreamFailure.self) { try BedrockTranslator.request(n, upstreamModel: "x") }
        let args = try J.canonical(#"{"model":"m","messages":[{"role":"assistant","tool_calls":[{"id":"a","type":"function","function":{"name":"f","arguments":"{oops"}}]}]}"#)
        do {
            _ = try BedrockTranslator.request(args, upstreamModel: "x")
            Issue.record("expected a failure")
        } catch {
            #expect(error.kind == .invalidRequest)
            #expect(error.status == 400)
        }
    }

    @Test func jpegAlias() throws {
        let canonical = try J.canonical(#"{"model":"m","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"data:image/jpg;base64,/9j/"}}]}]}"#)
        let request = try BedrockTranslator.request(canonical, upstreamModel: "x").request
        #expect(request.messages.first?.content.first?.image == .init(format: "jpeg", source: .init(bytes: "/9j/")))
    }
}
