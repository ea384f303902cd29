import Hummingbird

/// Encodes `application/vnd.amazon.eventstream` messages (providers.md §4.5): a 12-byte
/// prelude with its CRC, string headers, the payload, and a CRC of everything before it.
enum EventStreamFrame {
    /// One message with string headers (value type 7), in the given order.
    static func encode(headers: [(String, String)], payload: some Collection<UInt8>) -> ByteBuffer {
        var headerBytes = 0
        for (name, value) in headers {
            headerBytes += 1 + name.utf8.count + 1 + 2 + value.utf8.count
        }
        let total = 12 + headerBytes + payload.count + 4
        var buffer = ByteBuffer()
        buffer.reserveCapacity(total)
        buffer.writeInteger(UInt32(total), endianness: .big)
        buffer.writeInteger(UInt32(headerBytes), endianness: .big)
        let preludeCRC = buffer.withUnsafeReadableBytes { CRC32.checksum($0) }
        buffer.writeInteger(preludeCRC, endianness: .big)
        for (name, value) in headers {
            buffer.writeInteger(UInt8(truncatingIfNeeded: name.utf8.count))
            buffer.writeString(name)
            buffer.writeInteger(UInt8(7))
            buffer.writeInteger(UInt16(truncatingIfNeeded: value.utf8.count), endianness: .big)
            buffer.writeString(value)
        }
        buffer.writeBytes(payload)
        let messageCRC = buffer.withUnsafeReadableBytes { CRC32.checksum($0) }
        buffer.writeInteger(messageCRC, endianness: .big)
        return buffer
    }

    /// A Bedrock event message: `:event-type`, `:content-type`, `:message-type` = event.
    static func event(_ type: String, json: String) -> ByteBuffer {
        encode(
            headers: [(":event-type", type), (":content-type", "application/json"), (":message-type", "event")],
            payload: Array(json.utf8)
        )
    }

    /// A Bedrock exception message (`:message-type` = exception).
    static func exception(_ type: String, message: String) -> ByteBuffer {
        encode(
            headers: [(":exception-type", type), (":content-type", "application/json"), (":message-type", "exception")],
            payload: Array("{\"message\":\(JSONText.quoted(message))}".utf8)
        )
    }
}
