import HTTPTypes
import Hummingbird
import Synchronization

/// The request id of SPEC §3: the client's `x-request-id` when it is sane, else a new one.
enum RequestIdentity {
    static func id(for request: Request) -> String {
        if let given = request.headers[GatewayHeader.requestID], given.utf8.count <= 128,
            given.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F })
        {
            return given
        }
        return generate()
    }

    /// `req_` and 24 hex digits: a process-wide counter scrambled with a per-process random
    /// key (a bijection of the counter, so ids never repeat within a process, and differ
    /// across processes), without a `getrandom` system call per request.
    static func generate() -> String {
        let sequence = counter.add(1, ordering: .relaxed).newValue
        let high = SplitMix64.mix(sequence &+ key.0)
        let low = UInt32(truncatingIfNeeded: SplitMix64.mix(high ^ key.1))
        return String(unsafeUninitializedCapacity: 28) { buffer in
            for (offset, byte) in "req_".utf8.enumerated() { buffer[offset] = byte }
            writeHex(high, digits: 16, into: buffer, at: 4)
            writeHex(UInt64(low), digits: 8, into: buffer, at: 20)
            return 28
        }
    }

    private static let counter = Atomic<UInt64>(0)
    private static let key: (UInt64, UInt64) = {
        var generator = SystemRandomNumberGenerator()
        return (generator.next(), generator.next())
    }()


    private static func writeHex(_ value: UInt64, digits: Int, into buffer: UnsafeMutableBufferPointer<UInt8>, at start: Int) {
        let alphabet: StaticString = "0123456789abcdef"
        for index in 0..<digits {
            let nibble = Int((value >> UInt64(4 * (digits - 1 - index))) & 0xF)
            buffer[start + index] = alphabet.utf8Start[nibble]
        }
    }
}
