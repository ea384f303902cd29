import Foundation
import NIOCore
import NIOFoundationCompat
import SwitchyardCore

/// Translates `POST /v1/messages` traffic (providers.md §2.4): Anthropic Messages requests
/// into canonical OpenAI requests, and canonical answers back into Anthropic messages.
/// Pure: no I/O. Streams go through `AnthropicStreamEncoder`.
public enum AnthropicIngressTranslator {
    /// Validates an Anthropic Messages request body (as the `anthropic` SDK sends it) and
    /// translates it to an OpenAI Chat Completions body.
    ///
    /// Mapped: `system` (string or text blocks) → a system message; text, image (base64 or
    /// URL), PDF document, `tool_use` and `tool_result` blocks; `tools`, `tool_choice`
    /// (incl. `disable_parallel_tool_use`), `max_tokens`, `temperature`, `top_p`,
    /// `stop_sequences`, `metadata.user_id`, `stream`, `output_config.format` (JSON schema →
    /// `response_format`). Dropped: `top_k`, `thinking`, `cache_control`, `service_tier`,
    /// other `output_config` settings, thinking blocks.
    public static func request(_ body: ByteBuffer) throws(AnthropicIngressError) -> AnthropicIngressRequest {
        guard let root = try? JSONDecoder().decode(JSONValue.self, from: body), let fields = root.objectValue else {
            throw .invalid("request body must be a JSON object")
        }
        guard let model = fields["model"]?.stringValue, !model.isEmpty else {
            throw .invalid(fields["model"] == nil ? "field required" : "must be a non-empty string", param: "model")
        }
        guard let maxTokensValue = fields["max_tokens"] else { throw .invalid("field required", param: "max_tokens") }
        guard let maxTokens = maxTokensValue.intValue, maxTokens >= 1 else {
            throw .invalid("must be an integer of at least 1", param: "max_tokens")
        }
        guard let messagesValue = fields["messages"] else { throw .invalid("field required", param: "messages") }
        guard let messages = messagesValue.arrayValue else { throw .invalid("must be an array", param: "messages") }
        guard !messages.isEmpty else { throw .invalid("at least one message is required", param: "messages") }
        let stream = try optionalBool(fields["stream"], param: "stream") ?? false

        var out: [String: JSONValue] = ["model": .string(model), "max_tokens": .number(Double(maxTokens))]
        var chat: [JSONValue] = []
        if let system = try systemText(fields["system"]), !system.isEmpty {
            chat.append(.object(["role": .string("system"), "content": .string(system)]))
        }
        for (index, message) in messages.enumerated() {
            chat.append(contentsOf: try chatMessages(message, param: "messages.\(index)"))
        }
        out["messages"] = .array(chat)

        for key in ["temperature", "top_p"] {
            if let value = fields[key], !value.isNull {
                guard value.numberValue != nil else { throw .invalid("must be a number", param: key) }
                out[key] = value
            }
        }
        let stops = try stopSequences(fields["stop_sequences"])
        if !stops.isEmpty { out["stop"] = .array(stops.map(JSONValue.string)) }
        if let user = fields["metadata"]?.objectValue?["user_id"]?.stringValue {
            out["user"] = .string(user)
        }
        if let tools = fields["tools"], !tools.isNull {
            let translated = try self.tools(tools)
            if !translated.isEmpty { out["tools"] = .array(translated) }
        }
        if let choice = fields["tool_choice"], !choice.isNull {
            let (toolChoice, parallel) = try self.toolChoice(choice)
            if out["tools"] != nil || toolChoice == .string("none") { out["tool_choice"] = toolChoice }
            if let parallel, out["tools"] != nil { out["parallel_tool_calls"] = .bool(parallel) }
        }
        if let format = fields["output_config"]?.objectValue?["format"]?.objectValue, format["type"]?.stringValue == "json_schema" {
            guard let schema = format["schema"], schema.objectValue != nil else {
                throw .invalid("must be a JSON schema object", param: "output_config.format.schema")
            }
            let jsonSchema: JSONValue = .object(["name": .string("response"), "schema": schema, "strict": .bool(true)])
            out["response_format"] = .object(["type": .string("json_schema"), "json_schema": jsonSchema])
        }
        if stream {
            out["stream"] = .bool(true)
            out["stream_options"] = .object(["include_usage": .bool(true)])
        }
        return AnthropicIngressRequest(
            body: ByteBuffer(string: AnthropicJSON.encode(.object(out))),
            model: model,
            stream: stream,
            maxTokens: maxTokens,
            stopSequences: stops
        )
    }

    /// `system`: a string or an array of text blocks (joined with blank lines).
    static func systemText(_ value: JSONValue?) throws(AnthropicIngressError) -> String? {
        guard let value, !value.isNull else { return nil }
        if let text = value.stringValue { return text }
        guard let blocks = value.arrayValue else { throw .invalid("must be a string or an array of text blocks", param: "system") }
        var parts: [String] = []
        for (index, block) in blocks.enumerated() {
            guard let object = block.objectValue, object["type"]?.stringValue == "text", let text = object["text"]?.stringValue else {
                throw .invalid("must be a text block", param: "system.\(index)")
            }
            parts.append(text)
        }
        return parts.joined(separator: "\n\n")
    }

    /// `stop_sequences`: an array of strings.
    static func stopSequences(_ value: JSONValue?) throws(AnthropicIngressError) -> [String] {
        guard let value, !value.isNull else { return [] }
        guard let array = value.arrayValue else { throw .invalid("must be an array of strings", param: "stop_sequences") }
        var out: [String] = []
        for (index, item) in array.enumerated() {
            guard let text = item.stringValue else { throw .invalid("must be a string", param: "stop_sequences.\(index)") }
            out.append(text)
        }
        return out
    }

    /// `tools[]` → OpenAI function tools. Server tools (`type` other than `custom`) have no
    /// OpenAI equivalent and are refused.
    static func tools(_ value: JSONValue) throws(AnthropicIngressError) -> [JSONValue] {
        guard let array = value.arrayValue else { throw .invalid("must be an array", param: "tools") }
        var out: [JSONValue] = []
        for (index, tool) in array.enumerated() {
            let param = "tools.\(index)"
            guard let object = tool.objectValue else { throw .invalid("must be an object", param: param) }
            if let type = object["type"]?.stringValue, type != "custom" {
                throw .invalid("tool type '\(type)' is not supported by this gateway", param: param + ".type")
            }
            guard let name = object["name"]?.stringValue, !name.isEmpty else { throw .invalid("field required", param: param + ".name") }
            guard let schema = object["input_schema"], schema.objectValue != nil else {
                throw .invalid("must be a JSON schema object", param: param + ".input_schema")
            }
            var function: [String: JSONValue] = ["name": .string(name), "parameters": schema]
            if let description = object["description"]?.stringValue { function["description"] = .string(description) }
            out.append(.object(["type": .string("function"), "function": .object(function)]))
        }
        return out
    }

    /// `tool_choice` → OpenAI `tool_choice`, and `parallel_tool_calls` when parallel use was
    /// disabled.
    static func toolChoice(_ value: JSONValue) throws(AnthropicIngressError) -> (JSONValue, Bool?) {
        guard let object = value.objectValue, let type = object["type"]?.stringValue else {
            throw .invalid("must be an object with a type", param: "tool_choice")
        }
        let parallel: Bool? = object["disable_parallel_tool_use"]?.boolValue == true ? false : nil
        switch type {
        case "auto": return (.string("auto"), parallel)
        case "any": return (.string("required"), parallel)
        case "none": return (.string("none"), nil)
        case "tool":
            guard let name = object["name"]?.stringValue else { throw .invalid("field required", param: "tool_choice.name") }
            return (.object(["type": .string("function"), "function": .object(["name": .string(name)])]), parallel)
        default:
            throw .invalid("must be one of auto, any, tool, none", param: "tool_choice.type")
        }
    }

    static func optionalBool(_ value: JSONValue?, param: String) throws(AnthropicIngressError) -> Bool? {
        guard let value, !value.isNull else { return nil }
        guard let flag = value.boolValue else { throw .invalid("must be a boolean", param: param) }
        return flag
    }
}
