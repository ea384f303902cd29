/// A strict, allocation-free reader of JSON bytes (RFC 8259): no trailing commas, no
/// leading zeros, no raw control characters in strings, only valid escapes and valid UTF-8.
///
/// It accepts a subset of what Foundation's `JSONDecoder` accepts, never more: callers
/// (`ChatRequestScan`, `OpenAIWire.usage`) use it to validate the common request shape fast and hand anything
/// it declines (nil or false) to `JSONDecoder`, which then decides and names the error.
package struct StrictJSONCursor {
    package let bytes: UnsafeRawBufferPointer
    package private(set) var index = 0
    /// Nesting deeper than this is declined (JSONDecoder's own limit is higher).
    package static let maxDepth = 64

    package init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    package var atEnd: Bool { index >= bytes.count }

    /// The next byte after whitespace, without consuming it.
    package mutating func peek() -> UInt8? {
        skipWhitespace()
        return index < bytes.count ? bytes[index] : nil
    }

    /// Consumes `byte` (after whitespace) if it is next.
    package mutating func consume(_ byte: UInt8) -> Bool {
        guard peek() == byte else { return false }
        index += 1
        return true
    }

    package mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x0A, 0x0D, 0x09: index += 1
            default: return
            }
        }
    }

    /// The member separator after a value: true and more members follow (`,`), false and
    /// the container closed (`close`), nil when malformed.
    package mutating func separator(close: UInt8) -> Bool? {
        if consume(UInt8(ascii: ",")) { return true }
        if consume(close) { return false }
        return nil
    }

    /// Reads an object: `{`, then for each member its key and `value`, which must read
    /// exactly the member's value and may decline by returning false, then `,` or `}`.
    /// False when the object is malformed, a key has an escape, or `value` declined.
    package mutating func members(_ value: (_ key: UnsafeRawBufferPointer, _ cursor: inout StrictJSONCursor) -> Bool) -> Bool {
        guard consume(UInt8(ascii: "{")) else { return false }
        if consume(UInt8(ascii: "}")) { return true }
        while true {
            guard let key = string(), !key.escaped, consume(UInt8(ascii: ":")), value(key.content, &self) else { return false }
            guard let more = separator(close: UInt8(ascii: "}")) else { return false }
            if !more { return true }
        }
    }

    /// Reads an array: `[`, then each element with `element`, which must read exactly one
    /// value and may decline by returning false, then `,` or `]`. False when the array is
    /// malformed or `element` declined.
    package mutating func elements(_ element: (_ cursor: inout StrictJSONCursor) -> Bool) -> Bool {
        guard consume(UInt8(ascii: "[")) else { return false }
        if consume(UInt8(ascii: "]")) { return true }
        while true {
            guard element(&self) else { return false }
            guard let more = separator(close: UInt8(ascii: "]")) else { return false }
            if !more { return true }
        }
    }

    /// A string at the cursor: the bytes between its quotes and whether any escape occurs.
    package mutating func string() -> (content: UnsafeRawBufferPointer, escaped: Bool)? {
        guard peek() == UInt8(ascii: "\"") else { return nil }
        index += 1
        let start = index
        var escaped = false
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                let content = UnsafeRawBufferPointer(rebasing: bytes[start..<index])
                index += 1
                return (content, escaped)
            case UInt8(ascii: "\\"):
                escaped = true
                guard skipEscape() else { return nil }
            case 0x00..<0x20:
                return nil
            case 0x80...:
                guard skipUTF8Sequence() else { return nil }
            default:
                index += 1
            }
        }
        return nil
    }

    /// A number at the cursor (strict grammar): its text and whether it is a plain integer.
    package mutating func number() -> (text: UnsafeRawBufferPointer, integer: Bool)? {
        skipWhitespace()
        let start = index
        var integer = true
        if index < bytes.count, bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard index < bytes.count else { return nil }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
        } else {
            guard digits() > 0 else { return nil }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            integer = false
            guard digits() > 0 else { return nil }
        }
        if index < bytes.count, bytes[index] | 0x20 == UInt8(ascii: "e") {
            index += 1
            integer = false
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard digits() > 0 else { return nil }
        }
        return (UnsafeRawBufferPointer(rebasing: bytes[start..<index]), integer)
    }

    /// `true` or `false` at the cursor.
    package mutating func bool() -> Bool? {
        if literal("true") { return true }
        if literal("false") { return false }
        return nil
    }

    /// Consumes `null` if it is next.
    package mutating func null() -> Bool {
        literal("null")
    }

    /// Skips one value of any kind, validating it strictly.
    package mutating func skipValue(depth: Int = 0) -> Bool {
        guard depth < Self.maxDepth, let next = peek() else { return false }
        switch next {
        case UInt8(ascii: "\""):
            return string() != nil
        case UInt8(ascii: "{"):
            index += 1
            if consume(UInt8(ascii: "}")) { return true }
            while true {
                guard string() != nil, consume(UInt8(ascii: ":")), skipValue(depth: depth + 1) else { return false }
                guard let more = separator(close: UInt8(ascii: "}")) else { return false }
                if !more { return true }
            }
        case UInt8(ascii: "["):
            index += 1
            if consume(UInt8(ascii: "]")) { return true }
            while true {
                guard skipValue(depth: depth + 1) else { return false }
                guard let more = separator(close: UInt8(ascii: "]")) else { return false }
                if !more { return true }
            }
        case UInt8(ascii: "t"), UInt8(ascii: "f"):
            return bool() != nil
        case UInt8(ascii: "n"):
            return null()
        default:
            return number() != nil
        }
    }

    /// True when `bytes` are exactly `word`'s UTF-8.
    package static func matches(_ bytes: UnsafeRawBufferPointer, _ word: StaticString) -> Bool {
        guard bytes.count == word.utf8CodeUnitCount else { return false }
        let expected = word.utf8Start
        for offset in 0..<bytes.count where bytes[offset] != expected[offset] {
            return false
        }
        return true
    }

    /// A plain integer of at most 18 characters or null; the outer optional is nil to
    /// decline (fractions, exponents, anything else).
    package mutating func optionalInteger() -> Int?? {
        if null() { return .some(nil) }
        guard let number = number(), number.integer, number.text.count <= 18 else { return nil }
        var value = 0
        var negative = false
        for byte in number.text {
            if byte == UInt8(ascii: "-") {
                negative = true
            } else {
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
        }
        return .some(negative ? -value : value)
    }

    private mutating func digits() -> Int {
        let start = index
        while index < bytes.count, bytes[index] &- UInt8(ascii: "0") < 10 { index += 1 }
        return index - start
    }

    private mutating func literal(_ word: StaticString) -> Bool {
        skipWhitespace()
        let count = word.utf8CodeUnitCount
        guard bytes.count - index >= count else { return false }
        let pointer = word.utf8Start
        for offset in 0..<count where bytes[index + offset] != pointer[offset] {
            return false
        }
        index += count
        return true
    }

    /// `index` at a backslash inside a string.
    private mutating func skipEscape() -> Bool {
        guard index + 1 < bytes.count else { return false }
        switch bytes[index + 1] {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
            UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
            index += 2
            return true
        case UInt8(ascii: "u"):
            // Surrogates must come in high-low pairs, as JSONDecoder requires.
            guard let unit = hex4(at: index + 2) else { return false }
            index += 6
            switch unit {
            case 0xD800..<0xDC00:
                guard index + 6 <= bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u"),
                    let low = hex4(at: index + 2), (0xDC00..<0xE000).contains(low)
                else { return false }
                index += 6
                return true
            case 0xDC00..<0xE000:
                return false
            default:
                return true
            }
        default:
            return false
        }
    }

    /// Four hex digits at `position`, if they are there.
    private func hex4(at position: Int) -> UInt32? {
        guard position + 4 <= bytes.count else { return nil }
        var value: UInt32 = 0
        for offset in 0..<4 {
            let byte = bytes[position + offset]
            let digit: UInt8
            if byte &- UInt8(ascii: "0") < 10 {
                digit = byte - UInt8(ascii: "0")
            } else if (byte | 0x20) &- UInt8(ascii: "a") < 6 {
                digit = (byte | 0x20) - UInt8(ascii: "a") + 10
            } else {
                return nil
            }
            value = value << 4 | UInt32(digit)
        }
        return value
    }

    /// `index` at a byte >= 0x80: one well-formed UTF-8 sequence (no overlongs, no
    /// surrogates, nothing above U+10FFFF).
    private mutating func skipUTF8Sequence() -> Bool {
        let lead = bytes[index]
        let length: Int
        var low: UInt8 = 0x80
        var high: UInt8 = 0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0: (length, low) = (3, 0xA0)
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: (length, high) = (3, 0x9F)
        case 0xF0: (length, low) = (4, 0x90)
        case 0xF1...0xF3: length = 4
        case 0xF4: (length, high) = (4, 0x8F)
        default: return false
        }
        guard index + length <= bytes.count else { return false }
        let second = bytes[index + 1]
        guard second >= low, second <= high else { return false }
        for offset in 2..<length where bytes[index + offset] & 0xC0 != 0x80 {
            return false
        }
        index += length
        return true
    }
}
