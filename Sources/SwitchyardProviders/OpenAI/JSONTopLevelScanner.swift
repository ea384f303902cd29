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
    /// Keys are compared as raw (unescaped-free) UTF-8; escaped keys never match.
    public static func scan<Bytes: RandomAccessCollection>(
        _ bytes: Bytes,
        keys: [String]
    ) -> [String: Member]? where Bytes.Element == UInt8, Bytes.Index == Int {
        var found: [String: Member] = [:]
        var i = bytes.startIndex
        let end = bytes.endIndex
        skipWhitespace(bytes, &i)
        guard i < end, bytes[i] == UInt8(ascii: "{") else { return nil }
        i += 1
        skipWhitespace(bytes, &i)
        if i < end, bytes[i] == UInt8(ascii: "}") { return found }
        while i < end {
            skipWhitespace(bytes, &i)
            let memberStart = i
            guard i < end, bytes[i] == UInt8(ascii: "\"") else { return nil }
            let keyStart = i + 1
            guard skipString(bytes, &i) else { return nil }
            let keyRange = keyStart..<(i - 1)
            skipWhitespace(bytes, &i)
            guard i < end, bytes[i] == UInt8(ascii: ":") else { return nil }
            i += 1
            skipWhitespace(bytes, &i)
            let valueStart = i
            guard skipValue(bytes, &i) else { return nil }
            let valueEnd = i
            for key in keys where bytes[keyRange].elementsEqual(key.utf8) {
                found[key] = Member(member: memberStart..<valueEnd, value: valueStart..<valueEnd)
            }
            skipWhitespace(bytes, &i)
            guard i < end else { return nil }
            if bytes[i] == UInt8(ascii: ",") {
                i += 1
                continue
            }
            return bytes[i] == UInt8(ascii: "}") ? found : nil
        }
        return nil
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
