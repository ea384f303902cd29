import HTTPTypes
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import NIOHTTPTypesHTTP1

/// A client connection's HTTP/1.1 codec after NIO's request decoder: requests go on as
/// HTTPTypes (NIO's own conversion), answers are written as bytes straight from HTTPTypes.
/// It stands in for `HTTP1ToHTTPServerCodec` and NIO's `HTTPResponseEncoder`, which turned
/// each answer's head into NIO's header type before writing it and framed each part of a
/// streamed body with a buffer allocated for its size line (two allocations a chunk).
/// Here a chunk's size line and its closing CRLF are slices of one buffer made at start-up
/// (`ChunkFraming`), so a streamed part costs no allocation of its own.
///
/// The framing rules are NIO's encoder's: no body for 1xx, 204 and 304 answers (their
/// `content-length` and `transfer-encoding` are dropped); a `content-length` answer is sent
/// as is (a `transfer-encoding` beside it is dropped); any other answer is chunked, with
/// `transfer-encoding: chunked` added. An answer to a `HEAD` (or `CONNECT`) request keeps its
/// head, framing headers included, and writes no body: a body part written to it fails.
final class HTTP1ServerCodec: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = IOData

    /// A body part written to an answer that may have none (`HEAD`, `CONNECT`, 1xx, 204, 304).
    struct BodyNotAllowed: Error {}

    /// The methods of the requests read and not yet answered, oldest first: the answer to a
    /// `HEAD` or `CONNECT` request has no body.
    private var methods = CircularBuffer<HTTPMethod>(initialCapacity: 2)
    /// The answer being written frames its body in chunks.
    private var chunked = false
    /// The answer being written has no body.
    private var bodyless = false

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            methods.append(head.method)
            do {
                let request = try Self.request(from: head)
                context.fireChannelRead(wrapInboundOut(.head(request)))
            } catch {
                context.fireErrorCaught(error)
            }
        case .body(let body):
            context.fireChannelRead(wrapInboundOut(.body(body)))
        case .end(let trailers):
            context.fireChannelRead(wrapInboundOut(.end(trailers.map { HTTPFields($0, splitCookie: false) })))
        }
    }

    /// `HTTPRequest(head, secure: false, splitCookie: false)`, without its URL parse when
    /// the target is a path (origin form, as clients send it). That conversion parses every
    /// target with Foundation's `URLComponents` to turn an absolute-form target into a path;
    /// a target that starts with `/` has no scheme and comes back unchanged, so it is taken
    /// as it is. Any other target (absolute form, `*`, an authority) still goes through it.
    static func request(from head: HTTPRequestHead) throws -> HTTPRequest {
        guard head.uri.utf8.first == UInt8(ascii: "/") else {
            return try HTTPRequest(head, secure: false, splitCookie: false)
        }
        return HTTPRequest(
            method: try HTTPRequest.Method(head.method),
            scheme: "http",
            authority: head.headers.first(name: "host"),
            path: head.uri,
            headerFields: HTTPFields(head.headers, splitCookie: false)
        )
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(let response):
            writeHead(response, context: context, promise: promise)
        case .body(let part):
            if bodyless {
                promise?.fail(BodyNotAllowed())
            } else if chunked, part.readableBytes > 0 {
                context.write(wrapOutboundOut(.byteBuffer(ChunkFraming.sizeLine(part.readableBytes))), promise: nil)
                context.write(wrapOutboundOut(.byteBuffer(part)), promise: nil)
                context.write(wrapOutboundOut(.byteBuffer(ChunkFraming.crlf)), promise: promise)
            } else {
                context.write(wrapOutboundOut(.byteBuffer(part)), promise: promise)
            }
        case .end(let trailers):
            if chunked {
                if let trailers, !trailers.isEmpty {
                    var buffer = context.channel.allocator.buffer(capacity: 256)
                    buffer.writeStaticString("0\r\n")
                    Self.write(trailers, to: &buffer)
                    buffer.writeStaticString("\r\n")
                    context.write(wrapOutboundOut(.byteBuffer(buffer)), promise: promise)
                } else {
                    context.write(wrapOutboundOut(.byteBuffer(ChunkFraming.lastChunk)), promise: promise)
                }
            } else if let promise {
                // Nothing to write, but the promise completes in order with the writes before it.
                context.write(wrapOutboundOut(.byteBuffer(ChunkFraming.empty)), promise: promise)
            }
            chunked = false
            bodyless = false
        }
    }

    private func writeHead(_ response: HTTPResponse, context: ChannelHandlerContext, promise: EventLoopPromise<Void>?) {
        let code = response.status.code
        // An interim answer (1xx but 101) is followed by the real one, for the same request.
        let interim = (100..<200).contains(code) && code != 101
        var suppressed = false
        var connect = false
        if !interim, let method = methods.popFirst() {
            suppressed = method == .HEAD || method == .CONNECT
            connect = method == .CONNECT
        }
        let fields = response.headerFields
        let mayHaveBody = !connect && !(100..<200).contains(code) && code != 204 && code != 304
        let hasLength = fields.contains(.contentLength)
        var buffer = context.channel.allocator.buffer(capacity: 256)
        buffer.writeStaticString("HTTP/1.1 ")
        Self.writeStatusCode(code, to: &buffer)
        buffer.writeStaticString(" ")
        // A status made from its code alone has no phrase: the standard one, as NIO wrote.
        let phrase = response.status.reasonPhrase
        buffer.writeString(phrase.isEmpty ? HTTPResponseStatus(statusCode: code).reasonPhrase : phrase)
        buffer.writeStaticString("\r\n")
        for field in fields {
            // Framing fields: dropped where NIO's encoder drops them, chunked written below.
            if field.name == .transferEncoding { continue }
            if field.name == .contentLength, !mayHaveBody { continue }
            Self.write(field, to: &buffer)
        }
        let chunkedFraming = mayHaveBody && !hasLength
        if chunkedFraming {
            buffer.writeStaticString("transfer-encoding: chunked\r\n")
        }
        buffer.writeStaticString("\r\n")
        bodyless = suppressed || !mayHaveBody
        chunked = chunkedFraming && !bodyless
        context.write(wrapOutboundOut(.byteBuffer(buffer)), promise: promise)
    }

    /// Writes `fields` as header lines.
    private static func write(_ fields: HTTPFields, to buffer: inout ByteBuffer) {
        for field in fields { write(field, to: &buffer) }
    }

    /// Writes one header line, its name as given.
    private static func write(_ field: HTTPField, to buffer: inout ByteBuffer) {
        buffer.writeString(field.name.rawName)
        buffer.writeStaticString(": ")
        buffer.writeString(field.value)
        buffer.writeStaticString("\r\n")
    }

    /// Writes a status code (100–999, as HTTPTypes guarantees) as three digits.
    private static func writeStatusCode(_ code: Int, to buffer: inout ByteBuffer) {
        let clamped = min(max(code, 100), 999)
        buffer.writeInteger(UInt8(ascii: "0") + UInt8(clamped / 100))
        buffer.writeInteger(UInt8(ascii: "0") + UInt8(clamped / 10 % 10))
        buffer.writeInteger(UInt8(ascii: "0") + UInt8(clamped % 10))
    }
}

@available(*, unavailable)
extension HTTP1ServerCodec: Sendable {}

/// The bytes that frame a chunked body, as slices of buffers made once: a slice shares its
/// buffer's storage, so framing a chunk allocates nothing. Only a chunk of 4 KiB or more
/// gets its size line in a buffer of its own.
enum ChunkFraming {
    /// Size lines of the chunk sizes below `tableLimit`, `stride` bytes apart: `"1a\r\n"`.
    private static let stride = 5
    private static let tableLimit = 0x1000
    private static let table: ByteBuffer = {
        var buffer = ByteBuffer()
        buffer.reserveCapacity(tableLimit * stride)
        for size in 0..<tableLimit {
            let start = buffer.writerIndex
            buffer.writeString(String(size, radix: 16))
            buffer.writeStaticString("\r\n")
            buffer.writeRepeatingByte(0, count: stride - (buffer.writerIndex - start))
        }
        return buffer
    }()

    static let crlf = ByteBuffer(string: "\r\n")
    static let lastChunk = ByteBuffer(string: "0\r\n\r\n")
    static let empty = ByteBuffer()

    /// The line that opens a chunk of `size` bytes (more than zero).
    static func sizeLine(_ size: Int) -> ByteBuffer {
        if size < tableLimit {
            let digits = size < 0x10 ? 1 : size < 0x100 ? 2 : 3
            if let line = table.getSlice(at: size * stride, length: digits + 2) { return line }
        }
        return ByteBuffer(string: String(size, radix: 16) + "\r\n")
    }
}
