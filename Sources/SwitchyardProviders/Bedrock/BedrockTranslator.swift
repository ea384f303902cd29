import Foundation
import SwitchyardCore

/// Translates canonical (OpenAI) chat requests to Bedrock Converse requests (providers.md
/// §4.1). Pure: no I/O, no clock. Answers go back in `BedrockTranslator+Response.swift`.
enum BedrockTranslator {
    /// The forced tool that carries `response_format` JSON output (LiteLLM's name).
    static let jsonToolName = "json_tool_call"

    /// A translated request, with what the answer's translation needs to know.
    struct Translated: Equatable {
        var request: BedrockWire.ConverseRequest
        /// Set when `response_format` became a tool: its `toolUse` input is the answer text.
        var jsonToolName: String?
    }

    /// The Converse body for `canonical`. Throws `invalidRequest` (400) for what Bedrock
    /// cannot express (`n > 1`, image URLs, audio parts, tool arguments that are not JSON).
    static func request(_ canonical: CanonicalChatRequest, upstreamModel: String) throws(UpstreamFailure) -> Translated {
        if let n = canonical.n, n > 1 {
            throw invalid("n > 1 is not supported by Bedrock", param: "n")
        }
        let family = ModelFamily(modelID: upstreamModel)
        let converted = try BedrockMessages.convert(canonical.messages)
        var request = BedrockWire.ConverseRequest(
            system: converted.system.isEmpty ? nil : converted.system,
            messages: converted.messages
        )

        var inference = BedrockWire.InferenceConfig()
        inference.maxTokens = canonical.maxOutputTokens.map { max(1, $0) }
        // OpenAI allows 0–2; the Converse models take 0–1.
        inference.temperature = canonical.temperature.map { min(max($0, 0), 1) }
        inference.topP = canonical.top_p
        var stops = canonical.stop?.values ?? []
        if family.isAnthropic {
            // Claude rejects whitespace-only stop sequences (OpenAI's "\n\n" is common).
            stops.removeAll { $0.allSatisfy(\.isWhitespace) }
        }
        inference.stopSequences = stops.isEmpty ? nil : stops
        request.inferenceConfig = inference.isEmpty ? nil : inference
        // Dropped (no Converse equivalent): seed, presence/frequency penalties, logprobs,
        // logit_bias, parallel_tool_calls, user, reasoning_effort, stream_options.

        var tools = (canonical.tools ?? []).map { tool in
            BedrockWire.Tool(
                toolSpec: .init(
                    name: tool.function.name,
                    description: tool.function.description.flatMap { $0.isEmpty ? nil : $0 },
                    inputSchema: .init(json: tool.function.parameters ?? emptySchema)
                )
            )
        }
        var choice: BedrockWire.ToolChoice?
        switch canonical.tool_choice {
        case nil: choice = nil
        case .auto: choice = .auto
        case .required: choice = .any
        case .function(let name): choice = .tool(name)
        case .some(.none):
            // Converse has no "none": offer no tools (history may still need a toolConfig).
            tools = []
            choice = nil
        }

        var jsonTool: String?
        if let schema = jsonSchema(canonical.response_format) {
            if family.acceptsToolChoice {
                // No client tools: force the JSON tool. With client tools: offer it beside them.
                jsonTool = jsonToolName
                if tools.isEmpty { choice = .tool(jsonToolName) }
                tools.append(
                    BedrockWire.Tool(
                        toolSpec: .init(name: jsonToolName, description: "Respond with a JSON object.", inputSchema: .init(json: schema))
                    )
                )
            } else {
                let instruction = "Respond only with a JSON object matching this JSON Schema: " + BedrockJSON.string(schema)
                request.system = (request.system ?? []) + [BedrockWire.SystemBlock(text: instruction)]
            }
        }
        if tools.isEmpty, !converted.historyToolNames.isEmpty {
            // Bedrock rejects toolUse/toolResult history without a toolConfig.
            tools = converted.historyToolNames.map {
                BedrockWire.Tool(toolSpec: .init(name: $0, description: nil, inputSchema: .init(json: emptySchema)))
            }
            choice = nil
        }
        if !tools.isEmpty {
            request.toolConfig = BedrockWire.ToolConfig(tools: tools, toolChoice: family.acceptsToolChoice ? choice : nil)
        }
        return Translated(request: request, jsonToolName: jsonTool)
    }

    static let emptySchema: JSONValue = .object(["type": .string("object"), "properties": .object([:])])

    /// The JSON schema the answer must follow, for `json_schema` and `json_object` formats.
    static func jsonSchema(_ format: CanonicalResponseFormat?) -> JSONValue? {
        switch format?.type {
        case "json_schema":
            if let schema = format?.json_schema?.schema, schema.objectValue?["type"]?.stringValue == "object" {
                return schema
            }
            return .object(["type": .string("object")])
        case "json_object":
            return .object(["type": .string("object")])
        default:
            return nil
        }
    }

    static func invalid(_ message: String, param: String? = nil) -> UpstreamFailure {
        UpstreamFailure(kind: .invalidRequest, status: 400, message: message, param: param)
    }

    /// What the model id tells about the model family (base ids, `us.`-style inference
    /// profiles and ARNs that contain the model id).
    struct ModelFamily {
        var isAnthropic: Bool
        /// Only Anthropic, Mistral Large and Nova accept `toolChoice` (providers.md §4.1).
        var acceptsToolChoice: Bool

        init(modelID: String) {
            let id = modelID.lowercased()
            isAnthropic = id.contains("anthropic.")
            acceptsToolChoice = isAnthropic || id.contains("mistral.mistral-large") || id.contains("amazon.nova")
        }
    }
}

/// Compact JSON text for values the wire carries as strings (tool arguments, schemas).
enum BedrockJSON {
    static func string(_ value: JSONValue) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(value) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }

    /// Tool-call arguments (a JSON string) as a value; empty means `{}`.
    static func arguments(_ text: String) -> JSONValue? {
        if text.allSatisfy(\.isWhitespace) { return .object([:]) }
        return try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
    }
}
