/// The fields of a Bedrock Converse request the simulator looks at.
struct BedrockConverseRequest: Decodable {
    struct Message: Decodable {
        var role: String
        var content: [Block]
    }
    struct Block: Decodable {
        var text: String?
        var toolUse: PresentValue?
        var toolResult: PresentValue?
    }
    struct InferenceConfig: Decodable {
        var maxTokens: Int?
    }
    struct ToolConfig: Decodable {
        struct Tool: Decodable {
            struct Spec: Decodable {
                var name: String
            }
            var toolSpec: Spec?
        }
        struct Choice: Decodable {
            struct Named: Decodable {
                var name: String
            }
            var tool: Named?
        }
        var tools: [Tool]?
        var toolChoice: Choice?
    }

    var messages: [Message]
    var inferenceConfig: InferenceConfig?
    var toolConfig: ToolConfig?

    /// The tool to call: the forced one, else the first, unless the last user turn carries
    /// tool results.
    var toolToCall: String? {
        guard let first = toolConfig?.tools?.compactMap(\.toolSpec).first, let last = messages.last,
            last.role == "user", !last.content.contains(where: { $0.toolResult != nil })
        else { return nil }
        return toolConfig?.toolChoice?.tool?.name ?? first.name
    }
}

/// Percent-decoding for path labels such as Bedrock model ids (`v1%3A0` → `v1:0`).
enum PercentDecoding {
    static func decode(_ text: Substring) -> String {
        guard text.contains("%") else { return String(text) }
        var bytes = [UInt8]()
        bytes.reserveCapacity(text.utf8.count)
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard let high = iterator.next(), let low = iterator.next(),
                let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16)
            else {
                bytes.append(byte)
                continue
            }
            bytes.append(value)
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
