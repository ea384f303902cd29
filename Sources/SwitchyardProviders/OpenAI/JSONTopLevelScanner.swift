/// Finds where the values of a top-level JSON object's keys sit in its bytes, without
/// building the object, so a pass-through body can be edited by splicing (only `model`
/// rewritten, every other byte untouched).
///
/// The input is expected to be a JSON object that was already validated; on malformed
/// input `scan` returns nil rather than guessing.
public enum JSONTopLevelScanner {
    /// Byte range of one top-level member: the whole member (key through value) and its value.
    public struct Member: Sendable, Equatable {
        public var member: Range<Int>
        public var value: Range<Int>
    }

    /// Scans `bytes` (a JSON object) and returns the members whose keys are in `keys`.
    /// Keys are compared after JSON unescaping (`"mod\u0065l"` is `model`, as every JSON
    /// parser upstream reads it). Nil when a wanted key appears twice: parsers disagree on
    /// which copy wins, so an edit of one copy could be ignored.
    public static func scan<Bytes: RandomAccessCollection>(
        _ bytes: Bytes,
        keys: [String]
    ) -> [String: Member]? where Bytes.Element == UInt8, Bytes.Index == Int {
        var found: [String: Member] = [:]
        let wellFormed = walkMembers(bytes) { keyRange, member, value in
            guard !keys.isEmpty else { return true }
            let key = bytes[(keyRange.lowerBound + 1)..<(keyRange.upperBound - 1)]
            let matched: String?
            if key.contains(UInt8(ascii: "\\")) {
                guard let unescaped = unescape(key) else { return false }
                matched = keys.first { $0 == unescaped }
            } else {
                matched = keys.first { key.elementsEqual($0.utf8) }
            }
            if let matched {
                guard found[matched] == nil else { return false }
                found[matched] = Member(member: member, value: value)
            }
            return true
        }
        return wellFormed ? found : nil
    }

    /// `scan` for one or two keys, the members found in place of a dictionary: the
    /// request and response paths look up `model` and `stream_options`, or `usage`, on every
    /// request, and a dictionary of them cost an allocation and the keys' hashing each time.
    /// The same readings as `scan(bytes, keys: [first, second])`.
    public static func scan<Bytes: RandomAccessCollection>(
        _ bytes: Bytes,
        _ first: StaticString,
        _ second: StaticString? = nil
    ) -> (first: Member?, second: Member?)? where Bytes.Element == UInt8, Bytes.Index == Int {
        var found: (first: Member?, second: Member?) = (nil, nil)
        let wellFormed = walkMembers(bytes) { keyRange, member, value in
            let key = bytes[(keyRange.lowerBound + 1)..<(keyRange.upperBound - 1)]
            let isFirst: Bool
            let isSecond: Bool
            if key.contains(UInt8(ascii: "\\")) {
                guard let unescaped = unescape(key) else { return false }
                isFirst = unescaped.utf8.elementsEqual(first.bytes)
                isSecond = second.map { unescaped.utf8.elementsEqual($0.bytes) } ?? false
            } else {
                isFirst = key.elementsEqual(first.bytes)
                isSecond = second.map { key.elementsEqual($0.bytes) } ?? false
            }
            if isFirst {
                guard found.first == nil else { return false }
                found.first = Member(member: member, value: value)
            } else if isSecond {
                guard found.second == nil else { return false }
                found.second = Member(member: member, value: value)
            }
            return true
        }
        return wellFormed ? found : nil
    }

    /// Walks the members of `bytes` (exactly one JSON object, whitespace around it allowed),
    /// calling `visit` with each member's key (quotes included), whole member and value
    /// ranges. False when the object is malformed or `visit` returned false.
    static func walkMembers<Bytes: RandomAccessCollection>(
        _ bytes: Bytes,
        _ visit: (_ key: Range<Int>, _ member: Range<Int>, _ value: Range<Int>) -> Bool
    ) -> Bool where Bytes.Element == UInt8, Bytes.Index == Int {
        var i = bytes.startIndex
        let end = bytes.endIndex
        skipWhitespace(bytes, &i)
        guard i < end, bytes[i] == UInt8(ascii: "{") else { return false }
        i += 1
        skipWhitespace(bytes, &i)
        if i < end, bytes[i] == UInt8(ascii: "}") {
            i += 1
            skipWhitespace(bytes, &i)
            return i == end
        }
        while i < end {
            skipWhitespace(bytes, &i)
            let memberStart = i
            guard i < end, bytes[i] == UInt8(ascii: "\"") else { return false }
            guard skipString(bytes, &i) else { return false }
            let keyRange = memberStart..<i
            skipWhitespace(bytes, &i)
            guard i < end, bytes[i] == UInt8(ascii: ":") else { return false }
            i += 1
            skipWhitespace(bytes, &i)
            let valueStart = i
            guard skipValue(bytes, &i) else { return false }
            guard visit(keyRange, memberStart..<i, valueStart..<i) else { return false }
            skipWhitespace(bytes, &i)
            guard i < end else { return false }
            if bytes[i] == UInt8(ascii: ",") {
                i += 1
                continue
            }
            guard bytes[i] == UInt8(ascii: "}") else { return false }
            i += 1
            // Nothing but whitespace may follow the object.
            skipWhitespace(bytes, &i)
            return i == end
        }
        return false
    }

    /// The text of a JSON string's contents (between the quotes), escapes resolved; nil
    /// when an escape is invalid.
    static func unescape<Bytes: Collection>(_ bytes: Bytes) -> String? where Bytes.Element == UInt8 {
        var scalars = String.UnicodeScalarView()
        var raw: [UInt8] = []
        var iterator = bytes.makeIterator()
        func hex4() -> UInt32? {
            var value: UInt32 = 0
            for _ in 0..<4 {
                guard let byte = iterator.next(), let digit = hexValue(byte) else { return nil }
                value = value << 4 | digit
            }
            return value
        }
        func flushRaw() {
            scalars.append(contentsOf: String(decoding: raw, as: UTF8.self).unicodeScalars)
            raw.removeAll(keepingCapacity: true)
        }
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "\\") else {
                raw.append(byte)
                continue
            }
            guard let escaped = iterator.next() else { return nil }
            switch escaped {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): raw.append(escaped)
            case UInt8(ascii: "b"): raw.append(0x08)
            case UInt8(ascii: "f"): raw.append(0x0C)
            case UInt8(ascii: "n"): raw.append(0x0A)
            case UInt8(ascii: "r"): raw.append(0x0D)
            case UInt8(ascii: "t"): raw.append(0x09)
            case UInt8(ascii: "u"):
                guard var value = hex4() else { return nil }
                if (0xD800..<0xDC00).contains(value) {
                    // A high surrogate must be followed by `\uDC00`...`\uDFFF`.
                    guard iterator.next() == UInt8(ascii: "\\"), iterator.next() == UInt8(ascii: "u"),
                        let low = hex4(), (0xDC00..<0xE000).contains(low)
                    else { return nil }
                    value = 0x10000 + ((value - 0xD800) << 10) + (low - 0xDC00)
                }
                guard let scalar = Unicode.Scalar(value) else { return nil }
                flushRaw()
                scalars.append(scalar)
            default:
                return nil
            }
        }
        flushRaw()
        return String(scalars)
    }

    private static func hexValue(_ byte: UInt8) -> UInt32? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(byte - UInt8(ascii: "A") + 10)
        default: nil
        }
    }

    static func skipWhitespace<Bytes: RandomAccessCollection>(_ bytes: Bytes, _ i: inout Int)
    where Bytes.Element == UInt8, Bytes.Index == Int {
        while i < bytes.endIndex {
            switch bytes[i] {
            case UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\t"): i += 1
            default: return
            }
        }
    }

    /// `i` at the opening quote; leaves `i` after the closing quote.
    static func skipString<Bytes: RandomAccessCollection>(_ bytes: Bytes, _ i: inout Int) -> Bool
    where Bytes.Element == UInt8, Bytes.Index == Int {
        i += 1
        while i < bytes.endIndex {
            let byte = bytes[i]
            if byte == UInt8(ascii: "\\") {
                i += 2
            } else if byte == UInt8(ascii: "\"") {
                i += 1
                return true
            } else {
                i += 1
            }
        }
        return false
    }

    /// Skips one JSON value of any kind, nested objects and arrays included.
    static func skipValue<Bytes: RandomAccessCollection>(_ bytes: Bytes, _ i: inout Int) -> Bool
    where Bytes.Element == UInt8, Bytes.Index == Int {
        guard i < bytes.endIndex else { return false }
        switch bytes[i] {
        case UInt8(ascii: "\""):
            return skipString(bytes, &i)
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            var depth = 0
            while i < bytes.endIndex {
                switch bytes[i] {
                case UInt8(ascii: "\""):
                    guard skipString(bytes, &i) else { return false }
                    continue
                case UInt8(ascii: "{"), UInt8(ascii: "["):
                    depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    depth -= 1
                    if depth == 0 {
                        i += 1
                        return true
                    }
                default:
                    break
                }
                i += 1
            }
            return false
        default:
            // number, true, false, null: runs to the next delimiter
            let start = i
            while i < bytes.endIndex {
                switch bytes[i] {
                case UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]"),
                    UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\t"):
                    return i > start
                default:
                    i += 1
                }
            }
            return i > start
        }
    }
}

extension StaticString {
    /// The string's UTF-8 bytes (a literal's, which has them).
    fileprivate var bytes: UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: utf8Start, count: utf8CodeUnitCount)
    }
}
