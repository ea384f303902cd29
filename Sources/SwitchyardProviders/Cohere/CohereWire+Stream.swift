/// Cohere v2 stream events (providers.md §6): every `data:` JSON has a `type`; the shapes of
/// `delta.message.content` and `tool_calls` differ by event (an object in deltas, arrays in
/// `message-start`), so they are decoded leniently.
extension CohereWire {
    struct StreamEvent: Decodable {
        var type: String?
        var id: String?
        var index: Int?
        var delta: StreamDelta?
        /// Present on an error object sent in place of an event.
        var message: String?
    }

    struct StreamDelta: Decodable {
        var message: StreamMessage?
        var finish_reason: String?
        var usage: Usage?
        var error: String?

        enum CodingKeys: String, CodingKey { case message, finish_reason, usage, error }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            message = try? container.decodeIfPresent(StreamMessage.self, forKey: .message)
            finish_reason = try? container.decodeIfPresent(String.self, forKey: .finish_reason)
            usage = try? container.decodeIfPresent(Usage.self, forKey: .usage)
            error = try? container.decodeIfPresent(String.self, forKey: .error)
        }
    }

    struct StreamMessage: Decodable {
        struct Content: Decodable {
            var type: String?
            var text: String?
        }
        struct ToolCall: Decodable {
            struct Function: Decodable {
                var name: String?
                var arguments: String?
            }
            var id: String?
            var function: Function?
        }
        var content: Content?
        var tool_calls: ToolCall?

        enum CodingKeys: String, CodingKey { case content, tool_calls }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            content = try? container.decodeIfPresent(Content.self, forKey: .content)
            tool_calls = try? container.decodeIfPresent(ToolCall.self, forKey: .tool_calls)
        }
    }
}
