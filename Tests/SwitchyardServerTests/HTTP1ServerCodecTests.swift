import HTTPTypes
import NIOCore
import NIOEmbedded
import NIOHTTP1
import NIOHTTPTypes
import NIOHTTPTypesHTTP1
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

    /// Each request head the codec reads becomes the HTTPTypes request NIO's conversion
    /// makes of it; the codec skips only that conversion's URL parse, for a path target.
    @Test func aRequestHeadBecomesTheRequestNIOsConversionMakes() throws {
        var headers = HTTPHeaders([("Host", "GW.Example:8080"), ("content-type", "application/json"), ("Cookie", "a=1; b=2")])
        headers.add(name: "HOST", value: "second.example")
        let targets = [
            "/v1/chat/completions", "/v1/chat/completions?stream=1&x=%20y", "/", "//double/slash", "/a/../b/./c",
            "/p%zz", "/p?q#fragment", "/[bracket]", "/sp ace", "/\u{00e9}t\u{00e9}", "/:colon:@at",
            "http://gw.example/v1/models?x=1", "https://other/", "*", "gw.example:443", "",
        ]
        var random = SystemRandomNumberGenerator()
        let alphabet = Array("abcXYZ019/?#%:@[]!$&'()*+,;=-._~ \u{00e9}")
        let generated = (0..<500).map { _ in
            "/" + String((0..<Int.random(in: 0...24, using: &random)).map { _ in alphabet.randomElement(using: &random) ?? "a" })
        }
        for method in [HTTPMethod.GET, .POST, .PUT, .RAW(value: "BREW")] {
            for target in targets + generated {
                let head = HTTPRequestHead(version: .http1_1, method: method, uri: target, headers: headers)
                let expected = Result { try HTTPRequest(head, secure: false, splitCookie: false) }
                let read = Result { try HTTP1ServerCodec.request(from: head) }
                switch (expected, read) {
                case (.success(let expected), .success(let read)):
                    #expect(read == expected, "\(method) \(target)")
                    #expect(read.path == expected.path && read.authority == expected.authority)
                case (.failure, .failure):
                    break
                default:
                    Issue.record("\(method) \(target): \(expected) against \(read)")
                }
            }
        }
    }
}
