/// Every member of an object, and every element of an array, as byte ranges: what a preset
/// rewrite needs to drop, rename or edit members by splicing.
extension JSONTopLevelScanner {
    /// One member of an object, in document order.
    public struct NamedMember: Sendable, Equatable {
        /// The key after JSON unescaping.
        public var name: String
        /// The key with its quotes.
        public var key: Range<Int>
        /// Key through value.
        public var member: Range<Int>
        /// The value alone.
        public var value: Range<Int>
    }

    /// All members of `bytes` (exactly one JSON object, whitespace around it allowed), in
    /// order, duplicates included; nil when `bytes` is not a well-formed object.
    public static func members<Bytes: RandomAccessCollection>(
        _ bytes: Bytes
    ) -> [NamedMember]? where Bytes.Element == UInt8, Bytes.Index == Int {
        var found: [NamedMember] = []
        let wellFormed = walkMembers(bytes) { key, member, value in
            let rawKey = bytes[(key.lowerBound + 1)..<(key.upperBound - 1)]
            let name: String
            if rawKey.contains(UInt8(ascii: "\\")) {
                guard let unescaped = unescape(rawKey) else { return false }
                name = unescaped
            } else {
                name = String(decoding: rawKey, as: UTF8.self)
            }
            found.append(NamedMember(name: name, key: key, member: member, value: value))
            return true
        }
        return wellFormed ? found : nil
    }

    /// The ranges of the elements of `bytes` (exactly one JSON array); nil when it is not one.
    public static func elements<Bytes: RandomAccessCollection>(
        _ bytes: Bytes
    ) -> [Range<Int>]? where Bytes.Element == UInt8, Bytes.Index == Int {
        var found: [Range<Int>] = []
        var i = bytes.startIndex
        let end = bytes.endIndex
        skipWhitespace(bytes, &i)
        guard i < end, bytes[i] == UInt8(ascii: "[") else { return nil }
        i += 1
        skipWhitespace(bytes, &i)
        if i < end, bytes[i] == UInt8(ascii: "]") {
            i += 1
            skipWhitespace(bytes, &i)
            return i == end ? found : nil
        }
        while i < end {
            skipWhitespace(bytes, &i)
            let start = i
            guard skipValue(bytes, &i) else { return nil }
            found.append(start..<i)
            skipWhitespace(bytes, &i)
            guard i < end else { return nil }
            if bytes[i] == UInt8(ascii: ",") {
                i += 1
                continue
            }
            guard bytes[i] == UInt8(ascii: "]") else { return nil }
            i += 1
            skipWhitespace(bytes, &i)
            return i == end ? found : nil
        }
        return nil
    }

    /// The ranges to cut so that the members at `indices` disappear from an object whose
    /// members are `members` (in order), taking exactly one separating comma with each run.
    static func removalRanges(members: [Range<Int>], valueEnds: [Int], indices: Set<Int>) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var k = 0
        let count = members.count
        while k < count {
            guard indices.contains(k) else {
                k += 1
                continue
            }
            var last = k
            while last + 1 < count, indices.contains(last + 1) { last += 1 }
            if last + 1 < count {
                // Up to the next kept member: the run, its commas and whitespace.
                ranges.append(members[k].lowerBound..<members[last + 1].lowerBound)
            } else if k > 0 {
                // A trailing run: from the end of the previous kept member's value.
                ranges.append(valueEnds[k - 1]..<members[last].upperBound)
            } else {
                ranges.append(members[k].lowerBound..<members[last].upperBound)
            }
            k = last + 1
        }
        return ranges
    }
}
