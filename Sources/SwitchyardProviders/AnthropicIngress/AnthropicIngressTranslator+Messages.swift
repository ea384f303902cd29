import SwitchyardCore

extension AnthropicIngressTranslator {
    /// One Anthropic turn → OpenAI messages. A user turn's `tool_result` blocks become `tool`
    /// messages placed first (OpenAI wants them right after the assistant's calls), followed
    /// by a user message with its other content, if any.
    static func chatMessages(_ value: JSONValue, param: String) throws(AnthropicIngressError) -> [JSONValue] {
        guard let object = value.objectValue else { throw .invalid("must be an object", param: param) }
        guard let role = object["role"]?.stringValue, role == "user" || role == "assistant" else {
            throw .invalid("must be 'user' or 'assistant'", param: param + ".role")
        }
        guard let content = object["content"] else { throw .invalid("field required", param: param + ".content") }
        if let text = content.stringValue {
            return [.object(["role": .string(role), "content": .string(text)])]
        }
        guard let blocks = content.arrayValue else {
            throw .invalid("must be a string or an array of content blocks", param: param + ".content")
        }
        if role == "user" { return try userMessages(blocks, param: param + ".content") }
        return [try assistantMessage(blocks, param: param + ".content")]
    }

    /// A user turn's blocks → `tool` messages, then one user message.
    static func userMessages(_ blocks: [JSONValue], param: String) throws(AnthropicIngressError) -> [JSONValue] {
        var toolMessages: [JSONValue] = []
        var parts: [JSONValue] = []
        for (index, block) in blocks.enumerated() {
            let blockParam = "\(param).\(index)"
            guard let object = block.objectValue, let type = object["type"]?.stringValue else {
                throw .invalid("must be a content block with a type", param: blockParam)
            }
            switch type {
            case "tool_result":
                guard let id = object["tool_use_id"]?.stringValue else { throw .invalid("field required", param: blockParam + ".tool_use_id") }
                let (text, images) = try toolResultContent(object["content"], param: blockParam + ".content")
                toolMessages.append(.object(["role": .string("tool"), "tool_call_id": .string(id), "content": .string(text)]))
                // OpenAI tool messages carry text only: images go along in the user message.
                parts.append(contentsOf: images)
            default:
                if let part = try contentPart(object, type: type, param: blockParam) { parts.append(part) }
            }
        }
        guard !parts.isEmpty else { return toolMessages }
        return toolMessages + [.object(["role": .string("user"), "content": compact(parts)])]
    }

    /// An assistant turn's blocks → one assistant message with text and `tool_calls`.
    static func assistantMessage(_ blocks: [JSONValue], param: String) throws(AnthropicIngressError) -> JSONValue {
        var text = ""
        var calls: [JSONValue] = []
        for (index, block) in blocks.enumerated() {
            let blockParam = "\(param).\(index)"
            guard let object = block.objectValue, let type = object["type"]?.stringValue else {
                throw .invalid("must be a content block with a type", param: blockParam)
            }
            switch type {
            case "text":
                guard let value = object["text"]?.stringValue else { throw .invalid("field required", param: blockParam + ".text") }
                text += value
            case "tool_use":
                guard let id = object["id"]?.stringValue, let name = object["name"]?.stringValue else {
                    throw .invalid("id and name are required", param: blockParam)
                }
                let input = object["input"] ?? .object([:])
                let function: JSONValue = .object(["name": .string(name), "arguments": .string(AnthropicJSON.encode(input))])
                calls.append(.object(["id": .string(id), "type": .string("function"), "function": function]))
            case "thinking", "redacted_thinking":
                continue  // no canonical equivalent; dropped
            default:
                throw .invalid("block type '\(type)' is not supported in assistant messages", param: blockParam + ".type")
            }
        }
        var message: [String: JSONValue] = ["role": .string("assistant")]
        message["content"] = text.isEmpty && !calls.isEmpty ? .null : .string(text)
        if !calls.isEmpty { message["tool_calls"] = .array(calls) }
        return .object(message)
    }

    /// A user content block → an OpenAI content part; nil for blocks that are dropped.
    static func contentPart(_ object: [String: JSONValue], type: String, param: String) throws(AnthropicIngressError) -> JSONValue? {
        switch type {
        case "text":
            guard let text = object["text"]?.stringValue else { throw .invalid("field required", param: param + ".text") }
            return .object(["type": .string("text"), "text": .string(text)])
        case "image":
            let url = try sourceURL(object["source"], param: param + ".source")
            return .object(["type": .string("image_url"), "image_url": .object(["url": .string(url)])])
        case "document":
            let source = object["source"]?.objectValue
            if source?["type"]?.stringValue == "text", let text = source?["data"]?.stringValue {
                return .object(["type": .string("text"), "text": .string(text)])
            }
            let url = try sourceURL(object["source"], param: param + ".source")
            guard url.hasPrefix("data:") else { throw .invalid("only base64 and text documents are supported", param: param + ".source") }
            let file: JSONValue = .object(["filename": .string(object["title"]?.stringValue ?? "document.pdf"), "file_data": .string(url)])
            return .object(["type": .string("file"), "file": file])
        case "thinking", "redacted_thinking":
            return nil
        default:
            throw .invalid("block type '\(type)' is not supported", param: param + ".type")
        }
    }

    /// An image or document `source` → a URL (`data:` URI for base64 data).
    static func sourceURL(_ value: JSONValue?, param: String) throws(AnthropicIngressError) -> String {
        guard let source = value?.objectValue, let type = source["type"]?.stringValue else {
            throw .invalid("field required", param: param)
        }
        switch type {
        case "base64":
            guard let mediaType = source["media_type"]?.stringValue, let data = source["data"]?.stringValue else {
                throw .invalid("media_type and data are required", param: param)
            }
            return "data:\(mediaType);base64,\(data)"
        case "url":
            guard let url = source["url"]?.stringValue else { throw .invalid("field required", param: param + ".url") }
            return url
        default:
            throw .invalid("source type '\(type)' is not supported", param: param + ".type")
        }
    }

    /// `tool_result.content`: a string, or text and image blocks (text joined, images apart).
    static func toolResultContent(_ value: JSONValue?, param: String) throws(AnthropicIngressError) -> (String, [JSONValue]) {
        guard let value, !value.isNull else { return ("", []) }
        if let text = value.stringValue { return (text, []) }
        guard let blocks = value.arrayValue else { throw .invalid("must be a string or an array of blocks", param: param) }
        var texts: [String] = []
        var images: [JSONValue] = []
        for (index, block) in blocks.enumerated() {
            guard let object = block.objectValue, let type = object["type"]?.stringValue else {
                throw .invalid("must be a content block with a type", param: "\(param).\(index)")
            }
            if type == "text", let text = object["text"]?.stringValue {
                texts.append(text)
            } else if let part = try contentPart(object, type: type, param: "\(param).\(index)") {
                images.append(part)
            }
        }
        return (texts.joined(separator: "\n"), images)
    }

    /// Text-only parts become one string (every OpenAI-compatible upstream accepts that).
    static func compact(_ parts: [JSONValue]) -> JSONValue {
        var texts: [String] = []
        for part in parts {
            guard let object = part.objectValue, object["type"]?.stringValue == "text", let text = object["text"]?.stringValue else {
                return .array(parts)
            }
            texts.append(text)
        }
        return .string(texts.joined(separator: "\n"))
    }
}
