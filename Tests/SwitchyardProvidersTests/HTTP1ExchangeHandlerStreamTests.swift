import NIOCore
import NIOEmbedded
import NIOHTTP1
import Testing

@testable import SwitchyardProviders

@Suite("HTTP1ExchangeHandler: streamed answers")
struct HTTP1ExchangeHandlerStreamTests {
    typealias Harness = HTTP1ExchangeHandlerTests.Harness
    typealias Outcome = HTTP1ExchangeHandlerTests.Outcome

    /// Writes a streamed exchange and drains what went out; the body is returned so that
    /// the test holds it (dropping it tells the handler the reader is gone).
    static func sendStreamed(_ harness: Harness) throws -> (HTTP1ExchangeTicket, HTTP1BodyStream) {
        let ticket = harness.ticket()
        let made = HTTP1BodyStream.make(channel: harness.channel, ticket: ticket)
        try harness.write(ticket, bodySource: made.source)
        while try harness.channel.readOutbound(as: HTTPClientRequestPart.self) != nil {}
        return (ticket, made.stream)
    }

    /// The head and 16 parts that nobody reads: the handler withholds the next read.
    /// Returns the count of reads passed on before it.
    static func leaveTheReaderBehind(_ harness: Harness) throws -> Int {
        try harness.channel.writeInbound(head())
        for index in 0..<16 {
            try harness.channel.writeInbound(HTTPClientResponsePart.body(ByteBuffer(string: "data: \(index)\n\n")))
        }
        let before = harness.reads.count
        harness.channel.read()
        #expect(harness.reads.count == before)
        return before
    }

    static func head(_ status: HTTPResponseStatus = .ok) -> HTTPClientResponsePart {
        .head(HTTPResponseHead(version: .http1_1, status: status, headers: ["transfer-encoding": "chunked"]))
    }

    @Test func theHeadCompletesThePromiseAndTheEndGivesTheConnectionBack() throws {
        let harness = try Harness()
        let (ticket, body) = try Self.sendStreamed(harness)
        let outcome = Outcome(ticket)
        try harness.channel.writeInbound(Self.head())
        guard case .success(let answer)? = outcome.result else {
            Issue.record("the head did not complete the promise")
            return
        }
        #expect(answer.head.status == .ok)
        #expect(harness.settled == [])
        try harness.channel.writeInbound(HTTPClientResponsePart.body(ByteBuffer(string: "data: 1\n\n")))
        try harness.channel.writeInbound(HTTPClientResponsePart.end(nil))
        #expect(harness.settled == [true])
        #expect(harness.channel.isActive)
        withExtendedLifetime(body) {}
    }

    /// The deadline is for the head: once it went out, a late deadline leaves the body
    /// alone; the reader leaving (cancellation) still closes the connection.
    @Test func aDeadlineAfterTheHeadIsIgnoredAndTheReaderLeavingClosesTheConnection() throws {
        let harness = try Harness()
        let (ticket, body) = try Self.sendStreamed(harness)
        try harness.channel.writeInbound(Self.head())
        harness.abort(ticket, .deadlineExceeded)
        #expect(harness.channel.isActive)
        #expect(harness.settled == [])
        harness.channel.pipeline.triggerUserOutboundEvent(HTTP1AbortExchange(ticket: ticket, reason: .cancelled), promise: nil)
        #expect(!harness.channel.isActive)
        #expect(harness.settled == [false])
        withExtendedLifetime(body) {}
    }

    /// With nobody reading, the handler stops passing reads on once the reader is a few
    /// parts behind, and passes the withheld read on when the reader asks for more.
    @Test func readsWaitWhileTheReaderIsBehind() throws {
        let harness = try Harness()
        let (ticket, body) = try Self.sendStreamed(harness)
        let before = try Self.leaveTheReaderBehind(harness)
        harness.channel.pipeline.triggerUserOutboundEvent(HTTP1ResumeReading(ticket: ticket), promise: nil)
        #expect(harness.reads.count == before + 1)
        withExtendedLifetime(body) {}
    }

    /// An answer that is not a 200 is read whole, as for a whole exchange.
    @Test func anAnswerThatIsNotA200IsReadWhole() throws {
        let harness = try Harness()
        let (ticket, body) = try Self.sendStreamed(harness)
        let outcome = Outcome(ticket)
        try harness.channel.writeInbound(Self.head(.tooManyRequests))
        #expect(outcome.result == nil)
        try harness.channel.writeInbound(HTTPClientResponsePart.body(ByteBuffer(string: #"{"error":1}"#)))
        try harness.channel.writeInbound(HTTPClientResponsePart.end(nil))
        guard case .success(let answer)? = outcome.result else {
            Issue.record("the answer did not complete the promise")
            return
        }
        #expect(String(buffer: answer.body) == #"{"error":1}"#)
        #expect(harness.settled == [true])
        withExtendedLifetime(body) {}
    }

    /// A reader done before the body's end (`[DONE]` came first) asks for the rest to be
    /// discarded: reads go on (even if they were waiting for the reader), the reader
    /// dropping the body no longer closes the connection, and the end gives it back. The
    /// discard timer, cancelled at the end, closes nothing afterwards.
    @Test func aDiscardedRestThatEndsGivesTheConnectionBack() throws {
        let harness = try Harness()
        let (ticket, body) = try Self.sendStreamed(harness)
        let before = try Self.leaveTheReaderBehind(harness)
        body.discardRest()
        #expect(harness.reads.count == before + 1)
        // The reader drops the body: the abort its sequence sends is ignored.
        harness.channel.pipeline.triggerUserOutboundEvent(HTTP1AbortExchange(ticket: ticket, reason: .cancelled), promise: nil)
        #expect(harness.channel.isActive)
        try harness.channel.writeInbound(HTTPClientResponsePart.body(ByteBuffer(string: "\n")))
        try harness.channel.writeInbound(HTTPClientResponsePart.end(nil))
        #expect(harness.settled == [true])
        harness.channel.embeddedEventLoop.advanceTime(by: HTTP1Pool.defaultDiscardTimeout + .seconds(1))
        #expect(harness.channel.isActive)
        #expect(harness.settled == [true])
        // The connection carries the next exchange.
        let next = try harness.send()
        let outcome = Outcome(next)
        try harness.answer()
        guard case .success? = outcome.result else {
            Issue.record("the next exchange did not complete")
            return
        }
    }

    @Test func aDiscardedRestLongerThanTheLimitClosesTheConnection() throws {
        let harness = try Harness()
        let (_, body) = try Self.sendStreamed(harness)
        try harness.channel.writeInbound(Self.head())
        body.discardRest()
        let part = ByteBuffer(repeating: UInt8(ascii: "x"), count: 1024)
        for _ in 0..<(HTTP1ExchangeHandler.discardLimit / 1024) {
            try harness.channel.writeInbound(HTTPClientResponsePart.body(part))
        }
        #expect(harness.channel.isActive)
        #expect(harness.settled == [])
        try harness.channel.writeInbound(HTTPClientResponsePart.body(part))
        #expect(!harness.channel.isActive)
        #expect(harness.settled == [false])
    }

    @Test func aDiscardedRestThatDoesNotEndInTimeClosesTheConnection() throws {
        let harness = try Harness()
        let (_, body) = try Self.sendStreamed(harness)
        try harness.channel.writeInbound(Self.head())
        body.discardRest()
        harness.channel.embeddedEventLoop.advanceTime(by: HTTP1Pool.defaultDiscardTimeout - .milliseconds(1))
        #expect(harness.channel.isActive)
        harness.channel.embeddedEventLoop.advanceTime(by: .milliseconds(1))
        #expect(!harness.channel.isActive)
        #expect(harness.settled == [false])
    }

    /// The reader asks for the rest to be discarded and drops the body at once: the handler
    /// may hear of the reader leaving before the discard event. The request, recorded on
    /// the ticket first, still keeps the connection.
    @Test func aReaderLeavingBeforeItsDiscardEventArrivesKeepsTheConnection() throws {
        let harness = try Harness()
        let (ticket, body) = try Self.sendStreamed(harness)
        try harness.channel.writeInbound(Self.head())
        ticket.discardRest()  // what `discardRest()` does before sending its event
        harness.channel.pipeline.triggerUserOutboundEvent(HTTP1AbortExchange(ticket: ticket, reason: .cancelled), promise: nil)
        #expect(harness.channel.isActive)
        harness.channel.pipeline.triggerUserOutboundEvent(HTTP1DiscardRest(ticket: ticket), promise: nil)
        try harness.channel.writeInbound(HTTPClientResponsePart.body(ByteBuffer(string: "data: late\n\n")))
        try harness.channel.writeInbound(HTTPClientResponsePart.end(nil))
        #expect(harness.channel.isActive)
        #expect(harness.settled == [true])
        withExtendedLifetime(body) {}
    }
}
