import HTTPTypes
import Hummingbird

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

    /// `req_` and 24 random hex digits.
    static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        let high = generator.next() as UInt64
        let low = generator.next() as UInt32
        return "req_" + hex(high, digits: 16) + hex(UInt64(low), digits: 8)
    }

    private static func hex(_ value: UInt64, digits: Int) -> String {
        let text = String(value, radix: 16)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }
}
