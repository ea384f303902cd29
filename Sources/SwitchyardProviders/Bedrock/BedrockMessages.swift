import SwitchyardCore

/// Canonical messages → Converse `system` and `messages` (providers.md §4.1): user and
/// assistant turns only, same-role turns merged, tool messages as `toolResult` blocks in a
/// user turn, images inlined from `data:` URIs. Pure.
enum BedrockMessages {
    struct Converted: Equatable {
        var system: [BedrockWire.SystemBlock]
        var messages: [BedrockWire.Message]
        /// Names of the tools used in the history, in order of first use.
        var historyToolNames: [String]
    }

    static func convert(_ input: [CanonicalMessage]) throws(UpstreamFailure) -> Converted {
        var system: [BedrockWire.SystemBlock] = []
        var out: [BedrockWire.Message] = []
        var toolNames: [String] = []
        for message in input {
            let role: String
            var blocks: [BedrockWire.ContentBlock] = []
            switch message.role {
            case "system", "developer":
                let text = message.textContent
                if !isBlank(text) { system.append(BedrockWire.SystemBlock(text: text)) }
                continue
            case "user":
                role = "user"
                blocks = try userBlocks(message.content)
            case "assistant":
                role = "assistant"
                let text = message.textContent
                if !isBlank(text) { blocks.append(.text(text)) }
                for call in message.tool_calls ?? [] {
                    guard let input = BedrockJSON.arguments(call.function.arguments) else {
                        throw BedrockTranslator.invalid("tool call \(call.id) has arguments that are not valid JSON", param: "messages")
                    }
                    blocks.append(.toolUse(.init(toolUseId: toolUseID(call.id), name: call.function.name, input: input)))
                    if !toolNames.contains(call.function.name) { toolNames.append(call.function.name) }
                }
            case "tool":
                role = "user"
                guard let id = message.tool_call_id else {
                    throw BedrockTranslator.invalid("a tool message needs tool_call_id", param: "messages")
                }
                let text = message.textContent
                // Bedrock rejects blank text blocks.
                let content = BedrockWire.ToolResultContent(text: isBlank(text) ? "(no output)" : text)
                blocks.append(.toolResult(.init(toolUseId: toolUseID(id), content: [content], status: "success")))
            default:
                throw BedrockTranslator.invalid("message role '\(message.role)' is not supported by Bedrock", param: "messages")
            }
            guard !blocks.isEmpty else { continue }
            if let last = out.indices.last, out[last].role == role {
                out[last].content.append(contentsOf: blocks)
            } else {
                out.append(BedrockWire.Message(role: role, content: blocks))
            }
        }
        if out.isEmpty, !system.isEmpty {
            // Converse needs a message: a system-only request becomes the user's turn.
            out = [BedrockWire.Message(role: "user", content: system.map { .text($0.text) })]
            system = []
        }
        if out.first?.role == "assistant" {
            // Converse requires a user turn first; "." is the placeholder LiteLLM uses too.
            out.insert(BedrockWire.Message(role: "user", content: [.text(".")]), at: 0)
        }
        return Converted(system: system, messages: out, historyToolNames: toolNames)
    }

    private static func userBlocks(_ content: CanonicalContent?) throws(UpstreamFailure) -> [BedrockWire.ContentBlock] {
        switch content {
        case nil: return []
        case .text(let text): return isBlank(text) ? [] : [.text(text)]
        case .parts(let parts):
            var blocks: [BedrockWire.ContentBlock] = []
            for part in parts {
                switch part.type {
                case "text":
                    if let text = part.text, !isBlank(text) { blocks.append(.text(text)) }
                case "image_url":
                    blocks.append(.image(try image(part)))
                default:
                    throw BedrockTranslator.invalid("content part type '\(part.type)' is not supported by Bedrock", param: "messages")
                }
            }
            return blocks
        }
    }

    /// A `data:` URI image as a Converse image block. Bedrock does not fetch URLs.
    static func image(_ part: CanonicalContentPart) throws(UpstreamFailure) -> BedrockWire.Image {
        guard let inline = part.inlineImage else {
            throw BedrockTranslator.invalid("Bedrock needs images inline: send a data: URI (base64), not a URL", param: "messages")
        }
        let subtype = inline.mediaType.lowercased().split(separator: "/").last.map(String.init) ?? ""
        let format = subtype == "jpg" ? "jpeg" : subtype
        guard ["png", "jpeg", "gif", "webp"].contains(format) else {
            throw BedrockTranslator.invalid("image type '\(inline.mediaType)' is not supported by Bedrock", param: "messages")
        }
        return BedrockWire.Image(format: format, source: .init(bytes: inline.base64))
    }

    /// A tool-call id Bedrock accepts (`[a-zA-Z0-9_-]+`, at most 64 characters): ids from
    /// other providers are rewritten deterministically, the same in `toolUse` and `toolResult`.
    static func toolUseID(_ id: String) -> String {
        let allowed = id.unicodeScalars.map { scalar -> Character in
            let ok = scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "_" || scalar == "-")
            return ok ? Character(scalar) : "_"
        }
        let cleaned = String(allowed.prefix(64))
        return cleaned.isEmpty ? "tooluse_empty" : cleaned
    }

    static func isBlank(_ text: String) -> Bool { text.allSatisfy(\.isWhitespace) }
}
