import NIOCore
import SwitchyardProviders
import Testing

@Suite("SSEDecoder: incremental server-sent events")
struct SSEDecoderTests {
    /// The OpenAI stream of providers.md §1.3, with a keep-alive comment added.
    static let openAIChunks = [
        #"{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1730000000,"model":"gpt-4o","system_fingerprint":"fp_x","choices":[{"index":0,"delta":{"role":"assistant","content":"","refusal":null},"logprobs":null,"finish_reason":null}],"usage":null}"#,
        #"{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1730000000,"model":"gpt-4o","choices":[{"index":0,"delta":{"content":"Hel"},"logprobs":null,"finish_reason":null}],"usage":null}"#,
        #"{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1730000000,"model":"gpt-4o","choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}],"usage":null}"#,
        #"{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1730000000,"model":"gpt-4o","choices":[],"usage":{"prompt_tokens":9,"completion_tokens":2,"total_tokens":11,"prompt_tokens_details":{"cached_tokens":0},"completion_tokens_details":{"reasoning_tokens":0}}}"#,
        "[DONE]",
    ]

    static func openAIStream(lineEnding: String = "\n") -> String {
        let events = openAIChunks.map { "data: \($0)" + lineEnding + lineEnding }
        return events[0] + ": keep-alive" + lineEnding + events[1...].joined()
    }

    struct Event: Equatable, CustomStringConvertible {
        var name: String?
        var data: String
        var description: String { "\(name ?? "-"): \(data)" }
    }

    /// Feeds `pieces` in order, then finishes; returns every event as strings.
    static func decode(_ pieces: [[UInt8]], maxEventBytes: Int = 1 << 20) throws -> [Event] {
        var decoder = SSEDecoder(maxEventBytes: maxEventBytes)
        var events: [Event] = []
        for piece in pieces {
            for event in try decoder.feed(ByteBuffer(bytes: piece)) {
                events.append(Event(name: event.name, data: String(buffer: event.data)))
            }
        }
        if let last = decoder.finish() {
            events.append(Event(name: last.name, data: String(buffer: last.data)))
        }
        return events
    }

    static func decode(_ text: String) throws -> [Event] {
        try decode([Array(text.utf8)])
    }

    static var expectedOpenAIEvents: [Event] { openAIChunks.map { Event(name: nil, data: $0) } }

    @Test func wholeOpenAIStreamGivesEveryChunkThenDone() throws {
        let events = try Self.decode(Self.openAIStream())
        #expect(events == Self.expectedOpenAIEvents)
    }

    @Test(arguments: ["\n", "\r\n", "\r"])
    func openAIStreamOneByteAtATime(lineEnding: String) throws {
        let bytes = Array(Self.openAIStream(lineEnding: lineEnding).utf8)
        let events = try Self.decode(bytes.map { [$0] })
        #expect(events == Self.expectedOpenAIEvents)
    }

    @Test func openAIStreamSplitAtEveryPossibleBoundary() throws {
        let bytes = Array(Self.openAIStream(lineEnding: "\r\n").utf8)
        for cut in 0...bytes.count {
            let events = try Self.decode([Array(bytes[..<cut]), Array(bytes[cut...])])
            #expect(events == Self.expectedOpenAIEvents, "split at \(cut)")
        }
    }

    @Test(arguments: ["\n", "\r\n", "\r"])
    func openAIStreamInRandomSplits(lineEnding: String) throws {
        let bytes = Array(Self.openAIStream(lineEnding: lineEnding).utf8)
        var random = SplitMix64(seed: 0x5EED)
        for _ in 0..<200 {
            var pieces: [[UInt8]] = []
            var start = 0
            while start < bytes.count {
                let length = Int(random.next() % 40)  // zero-length feeds included
                let end = min(bytes.count, start + length)
                pieces.append(Array(bytes[start..<end]))
                start = end
            }
            #expect(try Self.decode(pieces) == Self.expectedOpenAIEvents)
        }
    }

    @Test func carriageReturnAtEndOfOneFeedAndLineFeedAtStartOfNext() throws {
        let events = try Self.decode([Array("data: a\r".utf8), Array("\ndata: b\r".utf8), [], Array("\n\r\n".utf8)])
        // `\r` + `\n` across feeds is one line ending, so `a` and `b` are one event.
        #expect(events == [Event(name: nil, data: "a\nb")])
    }

    @Test func carriageReturnThenCarriageReturnIsABlankLine() throws {
        let events = try Self.decode([Array("data: a\r".utf8), Array("\rdata: b\r\r".utf8)])
        #expect(events == [Event(name: nil, data: "a"), Event(name: nil, data: "b")])
    }

    @Test func mixedLineEndingsInOneStream() throws {
        let events = try Self.decode("data: 1\r\n\ndata: 2\r\rdata: 3\n\r\n")
        #expect(events.map(\.data) == ["1", "2", "3"])
    }

    @Test func commentLinesAreIgnored() throws {
        let events = try Self.decode(": keep-alive\n\n:\ndata: x\n: inside an event\n\n: OPENROUTER PROCESSING\n\n")
        #expect(events == [Event(name: nil, data: "x")])
    }

    @Test func anthropicEventNamesAreKept() throws {
        let stream = """
            event: message_start
            data: {"type":"message_start"}

            event: ping
            data: {"type": "ping"}

            event: content_block_delta
            data: {"type":"content_block_delta"}

            data: {"no":"name"}


            """
        let events = try Self.decode(stream)
        #expect(
            events == [
                Event(name: "message_start", data: #"{"type":"message_start"}"#),
                Event(name: "ping", data: #"{"type": "ping"}"#),
                Event(name: "content_block_delta", data: #"{"type":"content_block_delta"}"#),
                Event(name: nil, data: #"{"no":"name"}"#),
            ])
    }

    @Test func eventNameWithoutDataIsForgottenAtTheBlankLine() throws {
        let events = try Self.decode("event: lonely\n\ndata: x\n\n")
        #expect(events == [Event(name: nil, data: "x")])
    }

    @Test func multipleDataLinesJoinWithLineFeed() throws {
        let events = try Self.decode("data: first\ndata:second\ndata:\ndata:  indented\n\n")
        #expect(events == [Event(name: nil, data: "first\nsecond\n\n indented")])
    }

    @Test func dataWithoutSpaceAfterColon() throws {
        let events = try Self.decode("data:{\"a\":1}\n\ndata:[DONE]\n\n")
        #expect(events.map(\.data) == [#"{"a":1}"#, "[DONE]"])
    }

    @Test func idAndRetryAndUnknownFieldsAreIgnored() throws {
        let events = try Self.decode("id: 7\nretry: 1000\nfoo: bar\ndata: x\n\n")
        #expect(events == [Event(name: nil, data: "x")])
    }

    @Test func doneIsDetectedOnlyForTheExactLiteral() throws {
        var decoder = SSEDecoder()
        let events = try decoder.feed(ByteBuffer(string: "data: [DONE]\n\ndata: [DONE]x\n\ndata: {\"d\":\"[DONE]\"}\n\n"))
        #expect(events.map(\.isDone) == [true, false, false])
    }

    @Test func finishReturnsATrailingEventWithoutBlankLine() throws {
        var decoder = SSEDecoder()
        let events = try decoder.feed(ByteBuffer(string: "event: message_stop\ndata: {\"type\":\"message_stop\"}"))
        #expect(events.isEmpty)
        let finished = decoder.finish()
        let last = try #require(finished)
        #expect(last.name == "message_stop")
        #expect(String(buffer: last.data) == #"{"type":"message_stop"}"#)
        let again = decoder.finish()
        #expect(again == nil)
    }

    @Test func finishAfterTerminatedLineWithoutBlankLine() throws {
        #expect(try Self.decode("data: a\ndata: b\n") == [Event(name: nil, data: "a\nb")])
    }

    @Test func finishWithNothingPendingReturnsNil() throws {
        var decoder = SSEDecoder()
        let events = try decoder.feed(ByteBuffer(string: "data: a\n\n: comment"))
        #expect(events.count == 1)
        let last = decoder.finish()
        #expect(last == nil)
    }

    @Test func oversizedEventIsRejectedWhole() throws {
        var decoder = SSEDecoder(maxEventBytes: 16)
        #expect(throws: SSEDecoder.DecodeError.eventTooLarge) {
            _ = try decoder.feed(ByteBuffer(string: "data: 0123456789abcdefXYZ\n\n"))
        }
    }

    @Test func oversizedEventIsRejectedWhenItArrivesByteByByte() throws {
        var decoder = SSEDecoder(maxEventBytes: 64)
        let bytes = Array("data: ".utf8) + Array(repeating: UInt8(ascii: "x"), count: 100)
        var failed = false
        for byte in bytes where !failed {
            do { _ = try decoder.feed(ByteBuffer(bytes: [byte])) } catch { failed = true }
        }
        #expect(failed)
    }

    @Test func oversizedEventIsRejectedWhenBuiltFromManyDataLines() throws {
        var decoder = SSEDecoder(maxEventBytes: 32)
        #expect(throws: SSEDecoder.DecodeError.eventTooLarge) {
            for _ in 0..<20 { _ = try decoder.feed(ByteBuffer(string: "data: 12345\n")) }
        }
    }

    @Test func eventsUpToTheLimitPassWholeAndByteByByte() throws {
        let payload = String(repeating: "y", count: 32)
        let bytes = Array("data: \(payload)\n\n".utf8)
        #expect(try Self.decode([bytes], maxEventBytes: 32) == [Event(name: nil, data: payload)])
        #expect(try Self.decode(bytes.map { [$0] }, maxEventBytes: 32) == [Event(name: nil, data: payload)])
    }
}

/// A small deterministic generator so random splits are the same on every run.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
