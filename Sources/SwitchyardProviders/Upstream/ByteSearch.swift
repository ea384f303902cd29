import NIOCore

extension ByteBuffer {
    /// Whether the readable bytes contain `pattern` (ASCII). A plain scan: chunks are small.
    @inlinable
    public func containsBytes(_ pattern: StaticString) -> Bool {
        firstOffset(of: pattern) != nil
    }

    /// Offset (from the reader index) of the first occurrence of `pattern`, if any.
    @inlinable
    public func firstOffset(of pattern: StaticString) -> Int? {
        let needle = UnsafeRawBufferPointer(start: pattern.utf8Start, count: pattern.utf8CodeUnitCount)
        guard let first = needle.first else { return 0 }
        return withUnsafeReadableBytes { haystack -> Int? in
            guard haystack.count >= needle.count else { return nil }
            var i = 0
            let last = haystack.count - needle.count
            while i <= last {
                if haystack[i] == first {
                    var j = 1
                    while j < needle.count, haystack[i + j] == needle[j] { j += 1 }
                    if j == needle.count { return i }
                }
                i += 1
            }
            return nil
        }
    }

    /// Whether the first non-whitespace bytes are `prefix`.
    @inlinable
    public func startsAfterWhitespace(with prefix: StaticString) -> Bool {
        let needle = UnsafeRawBufferPointer(start: prefix.utf8Start, count: prefix.utf8CodeUnitCount)
        return withUnsafeReadableBytes { bytes in
            var i = 0
            while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x0D || bytes[i] == 0x09 { i += 1 }
            guard bytes.count - i >= needle.count else { return false }
            for k in 0..<needle.count where bytes[i + k] != needle[k] { return false }
            return true
        }
    }
}
