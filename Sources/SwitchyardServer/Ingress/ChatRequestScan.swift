import NIOCore
import SwitchyardCore

/// The fast path of `ChatRequestValidator`: one strict pass over the body's bytes that
/// checks everything `ChatRequestValidator.Envelope` checks and returns the summary, with
/// no `JSONDecoder`, no intermediate values and no allocation but the model name.
///
/// It only ever says yes: for anything it is unsure of (an invalid request, but also a
/// rare valid one: escaped keys or names, duplicate keys, exponents, `64.0` as an
/// integer, deep nesting) it returns nil and the caller decodes with `JSONDecoder`, which
/// accepts or names the error. So the answers and the 400s are those of the decoder; the
/// fuzz target `chat-request` checks that the two agree whenever this one accepts.
enum ChatRequestScan {
    static func summary(_ body: ByteBuffer) -> ChatRequestSummary? {
        body.withUnsafeReadableBytes { summary(bytes: $0) }
    }

    /// Top-level members the envelope types; a second occurrence is declined.
    private enum Field: Int {
        case model, messages, stream, streamOptions, maxTokens, maxCompletionTokens, n, seed
        case temperature, topP, presencePenalty, frequencyPenalty
    }

    static func summary(bytes: UnsafeRawBufferPointer) -> ChatRequestSummary? {
        var cursor = StrictJSONCursor(bytes)
        var seen: UInt16 = 0
        var model: String?
        var messageCount = 0
        var stream: Bool?
        var includeUsage: Bool?
        var maxTokens: Int?
        var maxCompletionTokens: Int?
        let wellFormed = cursor.members { key, cursor in
            guard let field = field(named: key) else { return cursor.skipValue(depth: 1) }
            let bit: UInt16 = 1 << field.rawValue
            guard seen & bit == 0 else { return false }
            seen |= bit
            switch field {
            case .model:
                guard let name = cursor.string(), !name.escaped, name.content.count > 0 else { return false }
                model = String(decoding: name.content, as: UTF8.self)
            case .messages:
                guard let count = messages(&cursor), count > 0 else { return false }
                messageCount = count
            case .stream:
                guard let value = optionalBool(&cursor) else { return false }
                stream = value
            case .streamOptions:
                guard let value = streamOptions(&cursor) else { return false }
                includeUsage = value
            case .maxTokens:
                guard let value = cursor.optionalInteger() else { return false }
                maxTokens = value
            case .maxCompletionTokens:
                guard let value = cursor.optionalInteger() else { return false }
                maxCompletionTokens = value
            case .n:
                guard let value = cursor.optionalInteger() else { return false }
                if let n = value, n < 1 { return false }
            case .seed:
                guard cursor.optionalInteger() != nil else { return false }
            case .temperature, .topP, .presencePenalty, .frequencyPenalty:
                guard optionalDouble(&cursor) else { return false }
            }
            return true
        }
        guard wellFormed else { return nil }
        cursor.skipWhitespace()
        guard cursor.atEnd, let model, messageCount > 0 else { return nil }
        let streaming = stream ?? false
        return ChatRequestSummary(
            model: model,
            stream: streaming,
            includeUsage: streaming && (includeUsage ?? false),
            maxTokens: maxCompletionTokens ?? maxTokens
        )
    }

    private static func field(named key: UnsafeRawBufferPointer) -> Field? {
        switch key.count {
        case 1 where matches(key, "n"): .n
        case 4 where matches(key, "seed"): .seed
        case 5 where matches(key, "model"): .model
        case 5 where matches(key, "top_p"): .topP
        case 6 where matches(key, "stream"): .stream
        case 8 where matches(key, "messages"): .messages
        case 10 where matches(key, "max_tokens"): .maxTokens
        case 11 where matches(key, "temperature"): .temperature
        case 14 where matches(key, "stream_options"): .streamOptions
        case 16 where matches(key, "presence_penalty"): .presencePenalty
        case 17 where matches(key, "frequency_penalty"): .frequencyPenalty
        case 21 where matches(key, "max_completion_tokens"): .maxCompletionTokens
        default: nil
        }
    }

    private static func matches(_ bytes: UnsafeRawBufferPointer, _ word: StaticString) -> Bool {
        StrictJSONCursor.matches(bytes, word)
    }

    /// `messages`: an array of message objects; their count, or nil to decline.
    private static func messages(_ cursor: inout StrictJSONCursor) -> Int? {
        var count = 0
        let wellFormed = cursor.elements { cursor in
            count += 1
            return message(&cursor)
        }
        return wellFormed ? count : nil
    }

    /// One message: `role` one of the known roles, `content` null, a string or an array of
    /// parts that each have a string `type`; other members any valid JSON.
    private static func message(_ cursor: inout StrictJSONCursor) -> Bool {
        var hasRole = false
        var hasContent = false
        let wellFormed = cursor.members { key, cursor in
            if matches(key, "role") {
                guard !hasRole, let role = cursor.string(), !role.escaped, isKnownRole(role.content) else { return false }
                hasRole = true
                return true
            }
            if matches(key, "content") {
                guard !hasContent, content(&cursor) else { return false }
                hasContent = true
                return true
            }
            return cursor.skipValue(depth: 3)
        }
        return wellFormed && hasRole
    }

    private static func isKnownRole(_ role: UnsafeRawBufferPointer) -> Bool {
        matches(role, "user") || matches(role, "assistant") || matches(role, "system") || matches(role, "tool")
            || matches(role, "developer") || matches(role, "function")
    }

    private static func content(_ cursor: inout StrictJSONCursor) -> Bool {
        switch cursor.peek() {
        case UInt8(ascii: "\""):
            return cursor.string() != nil
        case UInt8(ascii: "n"):
            return cursor.null()
        case UInt8(ascii: "["):
            return cursor.elements { part(&$0) }
        default:
            return false
        }
    }

    /// A content part: an object with a string `type`.
    private static func part(_ cursor: inout StrictJSONCursor) -> Bool {
        var hasType = false
        let wellFormed = cursor.members { key, cursor in
            guard matches(key, "type") else { return cursor.skipValue(depth: 5) }
            guard !hasType, cursor.string() != nil else { return false }
            hasType = true
            return true
        }
        return wellFormed && hasType
    }

    /// `stream_options`: null, or an object whose `include_usage` is a boolean or null.
    /// The outer optional is nil to decline.
    private static func streamOptions(_ cursor: inout StrictJSONCursor) -> Bool?? {
        if cursor.null() { return .some(nil) }
        var includeUsage: Bool?
        var seen = false
        let wellFormed = cursor.members { key, cursor in
            guard matches(key, "include_usage") else { return cursor.skipValue(depth: 2) }
            guard !seen, let value = optionalBool(&cursor) else { return false }
            seen = true
            includeUsage = value
            return true
        }
        return wellFormed ? .some(includeUsage) : nil
    }

    /// A boolean or null; the outer optional is nil to decline.
    private static func optionalBool(_ cursor: inout StrictJSONCursor) -> Bool?? {
        if cursor.null() { return .some(nil) }
        guard let value = cursor.bool() else { return nil }
        return .some(value)
    }

    /// A number without an exponent (always a finite Double) or null.
    private static func optionalDouble(_ cursor: inout StrictJSONCursor) -> Bool {
        if cursor.null() { return true }
        guard let number = cursor.number() else { return false }
        return !number.text.contains(where: { $0 | 0x20 == UInt8(ascii: "e") }) && number.text.count <= 40
    }
}
