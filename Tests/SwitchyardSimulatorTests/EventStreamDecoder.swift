/// A test-side `application/vnd.amazon.eventstream` decoder that verifies both CRCs,
/// written independently of the simulator's encoder.
struct DecodedFrame {
    var headers: [String: String]
    var payload: [UInt8]

    var payloadText: String { String(decoding: payload, as: UTF8.self) }
}

enum FrameError: Error, Equatable {
    case truncated
    case preludeCRC
    case messageCRC
    case badHeader
}

func testCRC32(_ bytes: ArraySlice<UInt8>) -> UInt32 {
    var crc: UInt32 = 0xFFFF_FFFF
    for byte in bytes {
        crc ^= UInt32(byte)
        for _ in 0..<8 {
            crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1
        }
    }
    return ~crc
}

private func be32(_ bytes: [UInt8], _ at: Int) -> UInt32 {
    UInt32(bytes[at]) << 24 | UInt32(bytes[at + 1]) << 16 | UInt32(bytes[at + 2]) << 8 | UInt32(bytes[at + 3])
}

/// Decodes every frame of `bytes`; throws on a CRC mismatch or a truncated frame.
func decodeFrames(_ bytes: [UInt8]) throws -> [DecodedFrame] {
    var frames: [DecodedFrame] = []
    var offset = 0
    while offset < bytes.count {
        guard bytes.count - offset >= 16 else { throw FrameError.truncated }
        let total = Int(be32(bytes, offset))
        let headersLength = Int(be32(bytes, offset + 4))
        guard total >= 16, offset + total <= bytes.count else { throw FrameError.truncated }
        guard be32(bytes, offset + 8) == testCRC32(bytes[offset..<offset + 8]) else { throw FrameError.preludeCRC }
        guard be32(bytes, offset + total - 4) == testCRC32(bytes[offset..<offset + total - 4]) else {
            throw FrameError.messageCRC
        }
        var headers: [String: String] = [:]
        var h = offset + 12
        let headersEnd = h + headersLength
        while h < headersEnd {
            let nameLength = Int(bytes[h])
            let name = String(decoding: bytes[h + 1..<h + 1 + nameLength], as: UTF8.self)
            h += 1 + nameLength
            guard bytes[h] == 7 else { throw FrameError.badHeader }
            let valueLength = Int(bytes[h + 1]) << 8 | Int(bytes[h + 2])
            headers[name] = String(decoding: bytes[h + 3..<h + 3 + valueLength], as: UTF8.self)
            h += 3 + valueLength
        }
        frames.append(DecodedFrame(headers: headers, payload: Array(bytes[headersEnd..<offset + total - 4])))
        offset += total
    }
    return frames
}
