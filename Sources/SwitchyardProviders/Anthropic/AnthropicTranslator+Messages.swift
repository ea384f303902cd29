import SwitchyardCore

extension AnthropicTranslator {
    /// Canonical messages → Anthropic turns (§2.1, §2.6): system messages are left out (they
    /// go to top-level `system`), `tool` messages become `tool_result` blocks in a user turn,
    /// consecutive same-role turns merge, and the conversation starts with a user turn.
    static func messages(_ input: [CanonicalMessage]) throws(UpstreamFailure) -> [AnthropicWire.Message] {
        var out: [AnthropicWire.Message] = []
        out.reserveCapacity(input.count)
        for (index, message) in input.enumerated() {
            let role: String
            let blocks: [AnthropicWire.ContentBlock]
            switch message.role {
            case "system", "developer":
                continue
            case "user":
                role = "user"
                blocks = try userBlocks(message.content, at: index)
            case "assistant":
                role = "assistant"
                blocks = try assistantBlocks(message, at: index)
            case "tool", "function":
                guard let id = message.tool_call_id else {
                    throw invalid("messages[\(index)].tool_call_id is required", param: "messages[\(index)].tool_call_id")
                }
                let text = message.textContent
                role = "user"
                blocks = [.toolResult(id: toolID(id), content: text.isEmpty ? nil : text)]
            default:
                throw invalid("messages[\(index)].role '\(message.role)' is not supported", param: "messages[\(index)].role")
            }
            if blocks.isEmpty { continue }
            if let last = out.last, last.role == role {
                out[out.count - 1].content.append(contentsOf: blocks)
            } else {
                out.append(AnthropicWire.Message(role: role, content: blocks))
            }
        }
        // Tool results must come before any other content of their user turn.
        for index in out.indices where out[index].role == "user" {
            let blocks = out[index].content
            if blocks.contains(where: { $0.type == "tool_result" }) {
                out[index].content = blocks.filter { $0.type == "tool_result" } + blocks.filter { $0.type != "tool_result" }
            }
        }
        if out.first?.role == "assistant" {
            // Anthropic requires a user turn first; "." is the placeholder LiteLLM uses too.
            out.insert(AnthropicWire.Message(role: "user", content: [.text(".")]), at: 0)
        }
        if out.isEmpty {
            throw invalid("at least one user or assistant message is required", param: "messages")
        }
        return out
    }

    /// A user message's content → text and image blocks (empty text is dropped: Anthropic
    /// rejects empty text blocks).
    static func userBlocks(_ content: CanonicalContent?, at index: Int) throws(UpstreamFailure) -> [AnthropicWire.ContentBlock] {
        switch content {
        case nil:
            return []
        case .text(let text):
            return text.isEmpty ? [] : [.text(text)]
        case .parts(let parts):
            var blocks: [AnthropicWire.ContentBlock] = []
            for (partIndex, part) in parts.enumerated() {
                switch part.type {
                case "text":
                    if let text = part.text, !text.isEmpty { blocks.append(.text(text)) }
                case "image_url":
                    blocks.append(try imageBlock(part, param: "messages[\(index)].content[\(partIndex)]"))
                default:
                    throw invalid(
                        "content part type '\(part.type)' is not supported by Anthropic",
                        param: "messages[\(index)].content[\(partIndex)].type"
                    )
                }
            }
            return blocks
        }
    }

    /// `image_url` (data URI or http(s) URL) → an `image` block.
    static func imageBlock(_ part: CanonicalContentPart, param: String) throws(UpstreamFailure) -> AnthropicWire.ContentBlock {
        if let inline = part.inlineImage {
            return .image(AnthropicWire.Source(type: "base64", media_type: inline.mediaType, data: inline.base64))
        }
        guard let url = part.image_url?.url, url.hasPrefix("https://") || url.hasPrefix("http://") else {
            throw invalid("image_url must be a data: URI or an http(s) URL", param: param + ".image_url.url")
        }
        return .image(AnthropicWire.Source(type: "url", url: url))
    }

    /// An assistant message → its text block and one `tool_use` block per tool call.
    static func assistantBlocks(_ message: CanonicalMessage, at index: Int) throws(UpstreamFailure) -> [AnthropicWire.ContentBlock] {
        var blocks: [AnthropicWire.ContentBlock] = []
        let text = message.textContent
        if !text.isEmpty { blocks.append(.text(text)) }
        for (callIndex, call) in (message.tool_calls ?? []).enumerated() {
            let param = "messages[\(index)].tool_calls[\(callIndex)].function.arguments"
            blocks.append(.toolUse(id: toolID(call.id), name: call.function.name, input: try arguments(call.function.arguments, param: param)))
        }
        return blocks
    }

    /// OpenAI's JSON-string arguments → Anthropic's `input` object (§0.4).
    static func arguments(_ text: String, param: String) throws(UpstreamFailure) -> JSONValue {
        if text.allSatisfy(\.isWhitespace) { return .object([:]) }
        guard let value = AnthropicJSON.parse(text) else {
            throw invalid("tool call arguments are not valid JSON", param: param)
        }
        guard case .object = value else {
            throw invalid("tool call arguments must be a JSON object", param: param)
        }
        return value
    }

    /// A tool-call id Anthropic accepts (`^[a-zA-Z0-9_-]+$`): other characters (Moonshot's
    /// `name:0`, ...) become `_`, the same way in `tool_use.id` and `tool_result.tool_use_id`.
    static func toolID(_ id: String) -> String {
        if id.isEmpty { return "toolu_empty" }
        let scalars = id.unicodeScalars.map { AnthropicJSON.isIDScalar($0) ? $0 : "_" }
        return String(String.UnicodeScalarView(scalars))
    }
}
