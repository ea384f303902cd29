import NIOCore
import SwitchyardCore

/// An incremental decoder of `application/vnd.amazon.eventstream` bodies (providers.md §4.5):
/// feed it the body's buffers as they arrive, split anywhere, and take whole messages out.
/// Both CRCs are checked; a mismatch or an impossible length is a `malformedResponse`.
public struct EventStreamDecoder: Sendable {
    /// botocore's limits.
    public static let maxHeadersLength = 128 * 1024
    public static let maxPayloadLength = 24 * 1024 * 1024
    static let preludeLength = 12
    static let minimumMessageLength = 16

    private var buffer = ByteBuffer()

    public init() {}

    /// Whether bytes of an incomplete message are waiting (at the end of a body: it was cut).
    public var hasPendingBytes: Bool { buffer.readableBytes > 0 }

    /// Appends the next piece of the body.
    public mutating func feed(_ bytes: ByteBuffer) {
        if buffer.readableBytes == 0 {
            buffer = bytes
            return
        }
        if buffer.readerIndex > 64 * 1024 { buffer.discardReadBytes() }
        buffer.writeImmutableBuffer(bytes)
    }

    /// The next whole message, or nil when more bytes are needed.
    public mutating func next() throws(UpstreamFailure) -> EventStreamMessage? {
        guard buffer.readableBytes >= Self.preludeLength else { return nil }
        let start = buffer.readerIndex
        guard let total32 = buffer.getInteger(at: start, as: UInt32.self),
            let headers32 = buffer.getInteger(at: start + 4, as: UInt32.self),
            let preludeCRC = buffer.getInteger(at: start + 8, as: UInt32.self)
        else { return nil }
        // Check the prelude before trusting its lengths (and before waiting for them).
        let computedPrelude = buffer.withUnsafeReadableBytes { CRC32.checksum($0.prefix(8)) }
        guard computedPrelude == preludeCRC else { throw Self.malformed("prelude checksum mismatch") }
        let total = Int(total32)
        let headersLength = Int(headers32)
        guard total >= Self.minimumMessageLength, headersLength <= total - Self.minimumMessageLength,
            headersLength <= Self.maxHeadersLength,
            total - headersLength - Self.minimumMessageLength <= Self.maxPayloadLength
        else { throw Self.malformed("impossible message lengths") }
        guard buffer.readableBytes >= total else { return nil }

        let computedMessage = buffer.withUnsafeReadableBytes { CRC32.checksum($0.prefix(total - 4)) }
        guard let messageCRC = buffer.getInteger(at: start + total - 4, as: UInt32.self), computedMessage == messageCRC
        else { throw Self.malformed("message checksum mismatch") }

        guard var headerBytes = buffer.getSlice(at: start + Self.preludeLength, length: headersLength),
            let payload = buffer.getSlice(
                at: start + Self.preludeLength + headersLength,
                length: total - headersLength - Self.minimumMessageLength
            )
        else { throw Self.malformed("truncated message") }
        let headers = try Self.parseHeaders(&headerBytes)
        buffer.moveReaderIndex(forwardBy: total)
        return EventStreamMessage(headers: headers, payload: payload)
    }

    static func parseHeaders(_ bytes: inout ByteBuffer) throws(UpstreamFailure) -> [EventStreamHeader] {
        var headers: [EventStreamHeader] = []
        while bytes.readableBytes > 0 {
            guard let nameLength = bytes.readInteger(as: UInt8.self),
                let name = bytes.readString(length: Int(nameLength)),
                let type = bytes.readInteger(as: UInt8.self)
            else { throw malformed("truncated header") }
            let value: EventStreamHeader.Value?
            switch type {
            case 0: value = .bool(true)
            case 1: value = .bool(false)
            case 2: value = bytes.readInteger(as: Int8.self).map { .byte($0) }
            case 3: value = bytes.readInteger(as: Int16.self).map { .int16($0) }
            case 4: value = bytes.readInteger(as: Int32.self).map { .int32($0) }
            case 5: value = bytes.readInteger(as: Int64.self).map { .int64($0) }
            case 6:
                value = bytes.readInteger(as: UInt16.self).flatMap { bytes.readBytes(length: Int($0)) }.map { .bytes($0) }
            case 7:
                value = bytes.readInteger(as: UInt16.self).flatMap { bytes.readString(length: Int($0)) }.map { .string($0) }
            case 8: value = bytes.readInteger(as: Int64.self).map { .timestamp($0) }
            case 9: value = bytes.readBytes(length: 16).map { .uuid($0) }
            default: throw malformed("unknown header type \(type)")
            }
            guard let value else { throw malformed("truncated header value") }
            headers.append(EventStreamHeader(name: name, value: value))
        }
        return headers
    }

    static func malformed(_ detail: String) -> UpstreamFailure {
        UpstreamFailure(kind: .malformedResponse, message: "upstream sent a malformed event stream: \(detail)")
    }
}

/// Encodes event-stream messages (for tests and the simulator).
public enum EventStreamEncoder {
    /// The framed bytes of `message`.
    public static func encode(_ message: EventStreamMessage) -> ByteBuffer {
        var out = ByteBuffer()
        encode(message, into: &out)
        return out
    }

    /// Appends the framed bytes of `message` to `out`.
    public static func encode(_ message: EventStreamMessage, into out: inout ByteBuffer) {
        var headers = ByteBuffer()
        for header in message.headers {
            let name = Array(header.name.utf8.prefix(255))
            headers.writeInteger(UInt8(name.count))
            headers.writeBytes(name)
            write(header.value, into: &headers)
        }
        let total = EventStreamDecoder.minimumMessageLength + headers.readableBytes + message.payload.readableBytes
        let start = out.writerIndex
        out.writeInteger(UInt32(truncatingIfNeeded: total))
        out.writeInteger(UInt32(truncatingIfNeeded: headers.readableBytes))
        let preludeCRC = out.withUnsafeReadableBytes { CRC32.checksum($0[(start - out.readerIndex)...].prefix(8)) }
        out.writeInteger(preludeCRC)
        out.writeImmutableBuffer(headers)
        out.writeImmutableBuffer(message.payload)
        let messageCRC = out.withUnsafeReadableBytes { CRC32.checksum($0[(start - out.readerIndex)...]) }
        out.writeInteger(messageCRC)
    }

    private static func write(_ value: EventStreamHeader.Value, into out: inout ByteBuffer) {
        switch value {
        case .bool(let flag): out.writeInteger(UInt8(flag ? 0 : 1))
        case .byte(let byte):
            out.writeInteger(UInt8(2))
            out.writeInteger(byte)
        case .int16(let number):
            out.writeInteger(UInt8(3))
            out.writeInteger(number)
        case .int32(let number):
            out.writeInteger(UInt8(4))
            out.writeInteger(number)
        case .int64(let number):
            out.writeInteger(UInt8(5))
            out.writeInteger(number)
        case .bytes(let bytes):
            out.writeInteger(UInt8(6))
            out.writeInteger(UInt16(truncatingIfNeeded: min(bytes.count, Int(UInt16.max))))
            out.writeBytes(bytes.prefix(Int(UInt16.max)))
        case .string(let string):
            let utf8 = Array(string.utf8.prefix(Int(UInt16.max)))
            out.writeInteger(UInt8(7))
            out.writeInteger(UInt16(utf8.count))
            out.writeBytes(utf8)
        case .timestamp(let milliseconds):
            out.writeInteger(UInt8(8))
            out.writeInteger(milliseconds)
        case .uuid(let bytes):
            out.writeInteger(UInt8(9))
            out.writeBytes((bytes + [UInt8](repeating: 0, count: 16)).prefix(16))
        }
    }
}
