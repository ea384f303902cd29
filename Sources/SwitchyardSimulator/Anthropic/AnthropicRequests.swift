/// The fields of an Anthropic Messages request the simulator looks at.
struct AnthropicMessagesRequest: Decodable {
    struct Message: Decodable {
        var role: String
        var content: Content
    }
    /// A string, or blocks of which only the `type` matters here.
    struct Content: Decodable {
        var blockTypes: [String]

        struct Block: Decodable {
            var type: String
        }

        init(from decoder: any Decoder) throws {
            let single = try decoder.singleValueContainer()
            if (try? single.decode(String.self)) != nil {
                blockTypes = ["text"]
            } else {
                blockTypes = try single.decode([Block].self).map(\.type)
            }
        }
    }
    struct Tool: Decodable {
        var name: String
    }
    struct ToolChoice: Decodable {
        var type: String
        var name: String?
    }

    var model: String
    var max_tokens: Int
    var messages: [Message]
    var stream: Bool?
    var tools: [Tool]?
    var tool_choice: ToolChoice?

    /// The tool to call: the forced one, else the first, unless the last user turn carries
    /// tool results (then the answer is text).
    var toolToCall: String? {
        guard let tools, let first = tools.first, let last = messages.last, last.role == "user" else { return nil }
        if tool_choice?.type == "none" || last.content.blockTypes.contains("tool_result") { return nil }
        if tool_choice?.type == "tool", let forced = tool_choice?.name { return forced }
        return first.name
    }
}
