import NIOCore
import NIOHTTP1

/// A streamed upstream answer's body as it arrives on its pooled connection, with
/// back-pressure: the connection stops reading while the consumer is more than a few parts
/// behind. Dropping the iterator or cancelling the consuming task before the end closes the
/// connection; a body read to its end, or whose rest the reader gave up with `discardRest()`
/// and which ends soon after, leaves the connection to the pool.
public struct HTTP1BodyStream: AsyncSequence, Sendable {
    public typealias Element = ByteBuffer
    typealias Producer = NIOThrowingAsyncSequenceProducer<
        ByteBuffer, any Error, NIOAsyncSequenceProducerBackPressureStrategies.HighLowWatermark, Demand
    >
    typealias Source = Producer.Source

    /// Tells the connection's handler about the consumer: it wants more, or it is gone.
    struct Demand: NIOAsyncSequenceProducerDelegate {
        let channel: any Channel
        let ticket: HTTP1ExchangeTicket

        func produceMore() {
            channel.triggerUserOutboundEvent(HTTP1ResumeReading(ticket: ticket), promise: nil)
        }

        /// Also called after a body read to its end, when the exchange is no longer the
        /// one on the connection: the handler then ignores the abort.
        func didTerminate() {
            ticket.abandon(.cancelled)
            channel.triggerUserOutboundEvent(HTTP1AbortExchange(ticket: ticket, reason: .cancelled), promise: nil)
        }
    }

    private let producer: Producer
    private let channel: any Channel
    private let ticket: HTTP1ExchangeTicket

    /// A body for `ticket`'s exchange on `channel`: the handler yields into `source`.
    static func make(channel: any Channel, ticket: HTTP1ExchangeTicket) -> (source: Source, stream: HTTP1BodyStream) {
        let made = Producer.makeSequence(
            elementType: ByteBuffer.self,
            backPressureStrategy: .init(lowWatermark: 2, highWatermark: 8),
            finishOnDeinit: false,
            delegate: Demand(channel: channel, ticket: ticket)
        )
        return (made.source, HTTP1BodyStream(producer: made.sequence, channel: channel, ticket: ticket))
    }

    private init(producer: Producer, channel: any Channel, ticket: HTTP1ExchangeTicket) {
        self.producer = producer
        self.channel = channel
        self.ticket = ticket
    }

    /// The reader needs no more of the body (an OpenAI stream after `[DONE]`, whose end
    /// should follow at once): the connection reads the rest and discards it, and goes back
    /// to the pool when it ends. A rest of more than 64 KiB, or not ended within a second,
    /// closes the connection (`HTTP1DiscardRest`). Parts already read stay with the
    /// iterator, which then ends; dropping it afterwards no longer closes the connection.
    public func discardRest() {
        ticket.discardRest()
        channel.triggerUserOutboundEvent(HTTP1DiscardRest(ticket: ticket), promise: nil)
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(inner: producer.makeAsyncIterator())
    }

    /// The single iterator of the body.
    public struct AsyncIterator: AsyncIteratorProtocol {
        var inner: Producer.AsyncIterator

        public mutating func next() async throws -> ByteBuffer? {
            try await inner.next()
        }
    }
}

/// A streamed exchange's answer: a `200`'s head with its body as it arrives, or any other
/// answer read whole.
public struct HTTP1StreamedAnswer: Sendable {
    public let head: HTTPResponseHead
    /// The body of a `200` answer, to be read as it arrives; nil for any other status.
    public let body: HTTP1BodyStream?
    /// The whole body of an answer that is not a `200`.
    public let wholeBody: ByteBuffer
}
