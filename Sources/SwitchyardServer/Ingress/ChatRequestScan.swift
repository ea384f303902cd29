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
        guard cursor.consume(UInt8(ascii: "{")) else { return nil }
        var seen: UInt16 = 0
        var model: String?
        var messageCount = 0
        var stream: Bool?
        var includeUsage: Bool?
        var maxTokens: Int?
        var maxCompletionTokens: Int?
        if !cursor.consume(UInt8(ascii: "}")) {
            while true {
                guard let key = cursor.string(), !key.escaped, cursor.consume(UInt8(ascii: ":")) else { return nil }
                if let field = field(named: key.content) {
                    let bit: UInt16 = 1 << field.rawValue
                    guard seen & bit == 0 else { return nil }
                    seen |= bit
                    switch field {
                    case .model:
                        guard let name = cursor.string(), !name.escaped, name.content.count > 0 else { return nil }
                        model = String(decoding: name.content, as: UTF8.self)
                    case .messages:
                        guard let count = messages(&cursor), count > 0 else { return nil }
                        messageCount = count
                    case .stream:
                        guard let value = optionalBool(&cursor) else { return nil }
                        stream = value
                    case .streamOptions:
                        guard let value = streamOptions(&cursor) else { return nil }
                        includeUsage = value
                    case .maxTokens:
                        guard let value = cursor.optionalInteger() else { return nil }
                        maxTokens = value
                    case .maxCompletionTokens:
                        guard let value = cursor.optionalInteger() else { return nil }
                        maxCompletionTokens = value
                    case .n:
                        guard let value = cursor.optionalInteger() else { return nil }
                        if let n = value, n < 1 { return nil }
                    case .seed:
                        guard cursor.optionalInteger() != nil else { return nil }
                    case .temperature, .topP, .presencePenalty, .frequencyPenalty:
                        guard optionalDouble(&cursor) else { return nil }
                    }
                } else {
                    guard cursor.skipValue(depth: 1) else { return nil }
                }
                guard let more = cursor.separator(close: UInt8(ascii: "}")) else { return nil }
                if !more { break }
            }
        }
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
        guard cursor.consume(UInt8(ascii: "[")) else { return nil }
        if cursor.consume(UInt8(ascii: "]")) { return 0 }
        var count = 0
        while true {
            guard message(&cursor) else { return nil }
            count += 1
            guard let more = cursor.separator(close: UInt8(ascii: "]")) else { return nil }
            if !more { return count }
        }
    }

    /// One message: `role` one of the known roles, `content` null, a string or an array of
    /// parts that each have a string `type`; other members any valid JSON.
    private static func message(_ cursor: inout StrictJSONCursor) -> Bool {
        guard cursor.consume(UInt8(ascii: "{")) else { return false }
        var hasRole = false
        var hasContent = false
        if !cursor.consume(UInt8(ascii: "}")) {
            while true {
                guard let key = cursor.string(), !key.escaped, cursor.consume(UInt8(ascii: ":")) else { return false }
                if matches(key.content, "role") {
                    guard !hasRole, let role = cursor.string(), !role.escaped, isKnownRole(role.content) else { return false }
                    hasRole = true
                } else if matches(key.content, "content") {
                    guard !hasContent, content(&cursor) else { return false }
                    hasContent = true
                } else {
                    guard cursor.skipValue(depth: 3) else { return false }
                }
                guard let more = cursor.separator(close: UInt8(ascii: "}")) else { return false }
                if !more { break }
            }
        }
        return hasRole
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
            _ = cursor.consume(UInt8(ascii: "["))
            if cursor.consume(UInt8(ascii: "]")) { return true }
            while true {
                guard part(&cursor) else { return false }
                guard let more = cursor.separator(close: UInt8(ascii: "]")) else { return false }
                if !more { return true }
            }
        default:
            return false
        }
    }

    /// A content part: an object with a string `type`.
    private static func part(_ cursor: inout StrictJSONCursor) -> Bool {
        guard cursor.consume(UInt8(ascii: "{")) else { return false }
        var hasType = false
        if cursor.consume(UInt8(ascii: "}")) { return false }
        while true {
            guard let key = cursor.string(), !key.escaped, cursor.consume(UInt8(ascii: ":")) else { return false }
            if matches(key.content, "type") {
                guard !hasType, cursor.string() != nil else { return false }
                hasType = true
            } else {
                guard cursor.skipValue(depth: 5) else { return false }
            }
            guard let more = cursor.separator(close: UInt8(ascii: "}")) else { return false }
            if !more { return hasType }
        }
    }

    /// `stream_options`: null, or an object whose `include_usage` is a boolean or null.
    /// The outer optional is nil to decline.
    private static func streamOptions(_ cursor: inout StrictJSONCursor) -> Bool?? {
        if cursor.null() { return .some(nil) }
        guard cursor.consume(UInt8(ascii: "{")) else { return nil }
        var includeUsage: Bool?
        var seen = false
        if cursor.consume(UInt8(ascii: "}")) { return .some(nil) }
        while true {
            guard let key = cursor.string(), !key.escaped, cursor.consume(UInt8(ascii: ":")) else { return nil }
            if matches(key.content, "include_usage") {
                guard !seen, let value = optionalBool(&cursor) else { return nil }
                seen = true
                includeUsage = value
            } else {
                guard cursor.skipValue(depth: 2) else { return nil }
            }
            guard let more = cursor.separator(close: UInt8(ascii: "}")) else { return nil }
            if !more { return .some(includeUsage) }
        }
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
