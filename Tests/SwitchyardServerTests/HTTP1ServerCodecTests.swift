import HTTPTypes
import NIOCore
import NIOEmbedded
import NIOHTTP1
import NIOHTTPTypes
import Testing

@testable import SwitchyardServer

/// The client connection's codec: requests decoded into HTTPTypes, answers framed as NIO's
/// encoder frames them (lengths kept, chunks sized, no body where none may be).
@Suite("HTTP/1.1 server codec")
struct HTTP1ServerCodecTests {
    /// A channel with NIO's request decoder and the codec, the request `head` read on it.
    /// (Field names go out as given: HTTPTypes' own names are capitalized.)
    static func channel(reading head: String = "GET / HTTP/1.1\r\nhost: x\r\n\r\n") throws -> (EmbeddedChannel, HTTPRequestPart?) {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(HTTPRequestDecoder()))
        try channel.pipeline.syncOperations.addHandler(HTTP1ServerCodec())
        try channel.writeInbound(ByteBuffer(string: head))
        return (channel, try channel.readInbound(as: HTTPRequestPart.self))
    }

    /// Everything written, as text.
    static func written(_ channel: EmbeddedChannel) throws -> String {
        var text = ""
        while var buffer = try channel.readOutbound(as: IOData.self).flatMap({ data -> ByteBuffer? in
            if case .byteBuffer(let buffer) = data { return buffer }
            return nil
        }) {
            text += buffer.readString(length: buffer.readableBytes) ?? ""
        }
        return text
    }

    static func response(_ status: HTTPResponse.Status, _ fields: HTTPFields = [:]) -> HTTPResponsePart {
        .head(HTTPResponse(status: status, headerFields: fields))
    }

    @Test func aRequestIsReadAsHTTPTypes() throws {
        let (channel, head) = try Self.channel(reading: "POST /v1/chat/completions?x=1 HTTP/1.1\r\nHost: gw\r\nX-Request-Id: abc\r\ncontent-length: 2\r\n\r\n{}")
        defer { _ = try? channel.finish() }
        guard case .head(let request) = head else {
            Issue.record("no head: \(String(describing: head))")
            return
        }
        #expect(request.method == .post)
        #expect(request.path == "/v1/chat/completions?x=1")
        #expect(request.authority == "gw")
        #expect(request.headerFields[HTTPField.Name("x-request-id")!] == "abc")
        #expect(try channel.readInbound(as: HTTPRequestPart.self) == .body(ByteBuffer(string: "{}")))
        #expect(try channel.readInbound(as: HTTPRequestPart.self) == .end(nil))
    }

    @Test func anAnswerWithALengthIsWrittenAsItIsWithoutATransferEncoding() throws {
        let (channel, _) = try Self.channel()
        defer { _ = try? channel.finish() }
        try channel.writeOutbound(Self.response(.ok, [.contentLength: "2", .transferEncoding: "chunked", .contentType: "text/plain"]))
        try channel.writeOutbound(HTTPResponsePart.body(ByteBuffer(string: "hi")))
        try channel.writeOutbound(HTTPResponsePart.end(nil))
        #expect(try Self.written(channel) == "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Type: text/plain\r\n\r\nhi")
    }

    @Test func anAnswerWithoutALengthIsChunkedWhateverTheSizeOfItsParts() throws {
        let (channel, _) = try Self.channel()
        defer { _ = try? channel.finish() }
        try channel.writeOutbound(Self.response(.ok, [.contentType: "text/event-stream"]))
        try channel.writeOutbound(HTTPResponsePart.body(ByteBuffer(string: "data: 1\n\n")))
        try channel.writeOutbound(HTTPResponsePart.body(ByteBuffer()))  // nothing: a zero chunk would end the body
        let large = String(repeating: "x", count: 5000)
        try channel.writeOutbound(HTTPResponsePart.body(ByteBuffer(string: large)))
        let mid = String(repeating: "y", count: 0xfff)
        try channel.writeOutbound(HTTPResponsePart.body(ByteBuffer(string: mid)))
        try channel.writeOutbound(HTTPResponsePart.end(nil))
        #expect(
            try Self.written(channel)
                == "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n"
                + "9\r\ndata: 1\n\n\r\n" + "1388\r\n\(large)\r\n" + "fff\r\n\(mid)\r\n" + "0\r\n\r\n")
    }

    @Test func trailersEndAChunkedBody() throws {
        let (channel, _) = try Self.channel()
        defer { _ = try? channel.finish() }
        try channel.writeOutbound(Self.response(.ok))
        try channel.writeOutbound(HTTPResponsePart.body(ByteBuffer(string: "a")))
        try channel.writeOutbound(HTTPResponsePart.end([HTTPField.Name("x-checksum")!: "1"]))
        #expect(try Self.written(channel) == "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n1\r\na\r\n0\r\nx-checksum: 1\r\n\r\n")
    }

    @Test func anAnswerToAHeadRequestKeepsItsHeadAndWritesNoBody() throws {
        let (channel, _) = try Self.channel(reading: "HEAD /health HTTP/1.1\r\nhost: x\r\n\r\n")
        defer { _ = try? channel.finish() }
        try channel.writeOutbound(Self.response(.ok, [.contentLength: "5"]))
        #expect(throws: HTTP1ServerCodec.BodyNotAllowed.self) {
            try channel.writeOutbound(HTTPResponsePart.body(ByteBuffer(string: "hello")))
        }
        try channel.writeOutbound(HTTPResponsePart.end(nil))
        #expect(try Self.written(channel) == "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n")
        // The next request's answer has its body again.
        try channel.writeInbound(ByteBuffer(string: "GET / HTTP/1.1\r\nhost: x\r\n\r\n"))
        try channel.writeOutbound(Self.response(.ok))
        try channel.writeOutbound(HTTPResponsePart.body(ByteBuffer(string: "ok")))
        try channel.writeOutbound(HTTPResponsePart.end(nil))
        #expect(try Self.written(channel) == "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n")
    }

    @Test func aStatusWithoutAPhraseGetsTheStandardOne() throws {
        let (channel, _) = try Self.channel()
        defer { _ = try? channel.finish() }
        try channel.writeOutbound(Self.response(HTTPResponse.Status(code: 404), [.contentLength: "0"]))
        try channel.writeOutbound(HTTPResponsePart.end(nil))
        try channel.writeInbound(ByteBuffer(string: "GET / HTTP/1.1\r\nhost: x\r\n\r\n"))
        try channel.writeOutbound(Self.response(HTTPResponse.Status(code: 599, reasonPhrase: "Custom"), [.contentLength: "0"]))
        try channel.writeOutbound(HTTPResponsePart.end(nil))
        #expect(
            try Self.written(channel)
                == "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\nHTTP/1.1 599 Custom\r\nContent-Length: 0\r\n\r\n")
    }

    @Test func aNoContentAnswerHasNoFramingAndNoBody() throws {
        let (channel, _) = try Self.channel()
        defer { _ = try? channel.finish() }
        try channel.writeOutbound(Self.response(.noContent, [.contentLength: "0", .transferEncoding: "chunked", .server: "s"]))
        try channel.writeOutbound(HTTPResponsePart.end(nil))
        #expect(try Self.written(channel) == "HTTP/1.1 204 No Content\r\nServer: s\r\n\r\n")
    }

    @Test func theEndOfALengthAnswerCompletesItsPromiseInOrder() throws {
        let (channel, _) = try Self.channel()
        defer { _ = try? channel.finish() }
        try channel.writeOutbound(Self.response(.ok, [.contentLength: "0"]))
        let ended = channel.eventLoop.makePromise(of: Void.self)
        channel.writeAndFlush(HTTPResponsePart.end(nil), promise: ended)
        #expect(throws: Never.self) { try ended.futureResult.wait() }
        #expect(try Self.written(channel) == "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
    }
}
