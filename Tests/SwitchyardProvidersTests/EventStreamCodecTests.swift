import NIOCore
import Testing

@testable import SwitchyardProviders
import SwitchyardCore

/// `application/vnd.amazon.eventstream` framing (providers.md §4.5, §9.3).
@Suite struct EventStreamCodecTests {
    static let eventHex = """
        0000009f00000057c37babff0b3a6576656e742d74797065070011636f6e74656e74426c6f636b44656c7461\
        0d3a636f6e74656e742d747970650700106170706c69636174696f6e2f6a736f6e0d3a6d6573736167652d74\
        7970650700056576656e747b22636f6e74656e74426c6f636b496e646578223a302c2264656c7461223a7b22\
        74657874223a224869227d2c2270223a2261626364227df2ace5ff
        """
    static let exceptionHex = """
        000000b2000000613590d5d30f3a657863657074696f6e2d747970650700137468726f74746c696e6745786365\
        7074696f6e0d3a636f6e74656e742d747970650700106170706c69636174696f6e2f6a736f6e0d3a6d657373\
        6167652d74797065070009657863657074696f6e7b226d657373616765223a22546f6f206d616e7920726571\
        75657374732c20706c656173652077616974206265666f726520747279696e6720616761696e2e227de8ffb26a
        """

    static let eventMessage = EventStreamMessage(
        headers: [
            .string(":event-type", "contentBlockDelta"),
            .string(":content-type", "application/json"),
            .string(":message-type", "event"),
        ],
        payload: ByteBuffer(string: #"{"contentBlockIndex":0,"delta":{"text":"Hi"},"p":"abcd"}"#)
    )
    static let exceptionMessage = EventStreamMessage(
        headers: [
            .string(":exception-type", "throttlingException"),
            .string(":content-type", "application/json"),
            .string(":message-type", "exception"),
        ],
        payload: ByteBuffer(string: #"{"message":"Too many requests, please wait before trying again."}"#)
    )

    static func bytes(hex: String) -> [UInt8] {
        let digits = Array(hex.utf8)
        return stride(from: 0, to: digits.count - 1, by: 2).compactMap {
            UInt8(String(decoding: digits[$0...$0 + 1], as: UTF8.self), radix: 16)
        }
    }

    static func decodeAll(_ pieces: [[UInt8]]) throws(UpstreamFailure) -> [EventStreamMessage] {
        var decoder = EventStreamDecoder()
        var out: [EventStreamMessage] = []
        for piece in pieces {
            decoder.feed(ByteBuffer(bytes: piece))
            while let message = try decoder.next() { out.append(message) }
        }
        #expect(!decoder.hasPendingBytes)
        return out
    }

    @Test func crcCheckValue() {
        #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(CRC32.checksum(Array("6789".utf8), continuing: CRC32.checksum(Array("12345".utf8))) == 0xCBF4_3926)
    }

    @Test func goldenFramesEncode() {
        #expect(Array(EventStreamEncoder.encode(Self.eventMessage).readableBytesView) == Self.bytes(hex: Self.eventHex))
        #expect(Array(EventStreamEncoder.encode(Self.exceptionMessage).readableBytesView) == Self.bytes(hex: Self.exceptionHex))
        #expect(Self.bytes(hex: Self.eventHex).count == 159)
        #expect(Self.bytes(hex: Self.exceptionHex).count == 178)
    }

    @Test func goldenFramesDecode() throws {
        let messages = try Self.decodeAll([Self.bytes(hex: Self.eventHex) + Self.bytes(hex: Self.exceptionHex)])
        #expect(messages == [Self.eventMessage, Self.exceptionMessage])
        #expect(messages.first?.eventType == "contentBlockDelta")
        #expect(messages.last?.messageType == "exception")
    }

    @Test func splitAtEveryByteBoundary() throws {
        let all = Self.bytes(hex: Self.eventHex) + Self.bytes(hex: Self.exceptionHex)
        for cut in 0...all.count {
            let messages = try Self.decodeAll([Array(all[..<cut]), Array(all[cut...])])
            #expect(messages == [Self.eventMessage, Self.exceptionMessage], "cut at \(cut)")
        }
        let oneByOne = try Self.decodeAll(all.map { [$0] })
        #expect(oneByOne == [Self.eventMessage, Self.exceptionMessage])
    }

    @Test func anyFlippedByteIsRejected() {
        let frame = Self.bytes(hex: Self.eventHex)
        for index in frame.indices {
            var corrupted = frame
            corrupted[index] ^= 0x01
            var decoder = EventStreamDecoder()
            decoder.feed(ByteBuffer(bytes: corrupted))
            #expect(throws: UpstreamFailure.self, "byte \(index)") { _ = try decoder.next() }
            do {
                _ = try decoder.next()
            } catch {
                #expect(error.kind == .malformedResponse)
            }
        }
    }

    @Test func impossibleLengthsAreRejected() {
        // A valid prelude CRC over a total length below the 16-byte minimum.
        var buffer = ByteBuffer()
        buffer.writeInteger(UInt32(8))
        buffer.writeInteger(UInt32(0))
        buffer.writeInteger(CRC32.checksum(Array(buffer.readableBytesView)))
        buffer.writeInteger(UInt32(0))
        var decoder = EventStreamDecoder()
        decoder.feed(buffer)
        #expect(throws: UpstreamFailure.self) { _ = try decoder.next() }
    }

    @Test func everyHeaderTypeRoundTrips() throws {
        let message = EventStreamMessage(
            headers: [
                EventStreamHeader(name: "t", value: .bool(true)),
                EventStreamHeader(name: "f", value: .bool(false)),
                EventStreamHeader(name: "b", value: .byte(-3)),
                EventStreamHeader(name: "s", value: .int16(-300)),
                EventStreamHeader(name: "i", value: .int32(70_000)),
                EventStreamHeader(name: "l", value: .int64(-5_000_000_000)),
                EventStreamHeader(name: "a", value: .bytes([1, 2, 3])),
                EventStreamHeader(name: "str", value: .string("héllo")),
                EventStreamHeader(name: "ts", value: .timestamp(1_704_067_200_000)),
                EventStreamHeader(name: "u", value: .uuid(Array(0..<16))),
            ],
            payload: ByteBuffer(bytes: [0, 255, 7])
        )
        let encoded = Array(EventStreamEncoder.encode(message).readableBytesView)
        #expect(try Self.decodeAll([encoded]) == [message])
        let empty = EventStreamMessage(headers: [], payload: ByteBuffer())
        let emptyBytes = Array(EventStreamEncoder.encode(empty).readableBytesView)
        #expect(emptyBytes.count == 16)
        #expect(try Self.decodeAll([emptyBytes]) == [empty])
    }

    @Test func partialMessageIsPending() throws {
        var decoder = EventStreamDecoder()
        decoder.feed(ByteBuffer(bytes: Self.bytes(hex: Self.eventHex).prefix(100)))
        #expect(try decoder.next() == nil)
        #expect(decoder.hasPendingBytes)
    }
}
