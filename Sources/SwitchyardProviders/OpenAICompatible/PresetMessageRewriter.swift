import SwitchyardCore

/// The message-level part of a preset rewrite, by splicing: drops `name` from messages,
/// rewrites tool-call ids (`tool_calls[].id`, `tool_call_id`) for providers with id rules,
/// and turns all-text content arrays into strings for string-only providers.
/// Only the touched values change; a message it cannot parse is left as it is.
enum PresetMessageRewriter {
    static func edits(
        _ raw: UnsafeRawBufferPointer,
        messages: Range<Int>,
        preset: OpenAICompatiblePreset,
        into edits: inout [PresetBodyRewriter.Edit]
    ) {
        guard let elements = JSONTopLevelScanner.elements(raw[messages]) else { return }
        let rewriteIDs = preset.toolCallIDs == .nineAlphanumeric
        for element in elements {
            guard raw[element.lowerBound] == UInt8(ascii: "{"),
                let members = JSONTopLevelScanner.members(raw[element])
            else { continue }
            let role = members.first { $0.name == "role" }.map { raw[$0.value] }
            let isTool = role.map { $0.elementsEqual(#""tool""#.utf8) } ?? false
            var removed: Set<Int> = []
            for (index, member) in members.enumerated() {
                switch member.name {
                case "name":
                    if preset.messageNames == .drop || (preset.messageNames == .dropExceptTool && !isTool) {
                        removed.insert(index)
                    }
                case "content" where preset.flattenTextContent:
                    if let text = flattenedText(raw, value: member.value) {
                        edits.append(PresetBodyRewriter.Edit(range: member.value, replacement: JSONString.encode(text)))
                    }
                case "tool_call_id" where rewriteIDs:
                    rewriteID(raw, value: member.value, into: &edits)
                case "tool_calls" where rewriteIDs:
                    guard let calls = JSONTopLevelScanner.elements(raw[member.value]) else { continue }
                    for call in calls where raw[call.lowerBound] == UInt8(ascii: "{") {
                        guard let fields = JSONTopLevelScanner.members(raw[call]) else { continue }
                        for field in fields where field.name == "id" {
                            rewriteID(raw, value: field.value, into: &edits)
                        }
                    }
                default:
                    break
                }
            }
            for range in JSONTopLevelScanner.removalRanges(
                members: members.map(\.member),
                valueEnds: members.map(\.value.upperBound),
                indices: removed
            ) {
                edits.append(PresetBodyRewriter.Edit(range: range, replacement: ""))
            }
        }
    }

    /// The joined text of a content array made only of text parts; nil otherwise.
    static func flattenedText(_ raw: UnsafeRawBufferPointer, value: Range<Int>) -> String? {
        guard raw[value.lowerBound] == UInt8(ascii: "["), let parts = JSONTopLevelScanner.elements(raw[value]) else {
            return nil
        }
        var text = ""
        for part in parts {
            guard raw[part.lowerBound] == UInt8(ascii: "{"), let members = JSONTopLevelScanner.members(raw[part]),
                let type = members.first(where: { $0.name == "type" }), raw[type.value].elementsEqual(#""text""#.utf8),
                let body = members.first(where: { $0.name == "text" }), let string = stringValue(raw, body.value)
            else { return nil }
            text += string
        }
        return text
    }

    /// The contents of a JSON string value, escapes resolved; nil for other values.
    static func stringValue(_ raw: UnsafeRawBufferPointer, _ value: Range<Int>) -> String? {
        guard value.count >= 2, raw[value.lowerBound] == UInt8(ascii: "\""),
            raw[value.upperBound - 1] == UInt8(ascii: "\"")
        else { return nil }
        let inner = raw[(value.lowerBound + 1)..<(value.upperBound - 1)]
        if inner.contains(UInt8(ascii: "\\")) { return JSONTopLevelScanner.unescape(inner) }
        return String(decoding: inner, as: UTF8.self)
    }

    private static func rewriteID(
        _ raw: UnsafeRawBufferPointer,
        value: Range<Int>,
        into edits: inout [PresetBodyRewriter.Edit]
    ) {
        guard let id = stringValue(raw, value) else { return }
        let mapped = ToolCallIDMapper.nineAlphanumeric(id)
        if mapped != id {
            edits.append(PresetBodyRewriter.Edit(range: value, replacement: "\"" + mapped + "\""))
        }
    }
}
