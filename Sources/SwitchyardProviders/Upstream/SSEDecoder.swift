import NIOCore

/// One server-sent event: its `event:` name (if any) and its `data:` payload.
public struct SSEEvent: Sendable, Equatable {
    /// The `event:` field, nil when the event had none (OpenAI-style streams).
    public var name: String?
    /// The `data:` lines joined with `\n`.
    public var data: ByteBuffer

    public init(name: String? = nil, data: ByteBuffer) {
        self.name = name
        self.data = data
    }

    /// Whether this is OpenAI's `data: [DONE]` terminator.
    public var isDone: Bool {
        data.readableBytes == 6 && data.readableBytesView.elementsEqual("[DONE]".utf8)
    }
}

/// Incremental SSE parser (providers.md §8.3): feed it bytes as they arrive, in any split,
/// and take whole events out. Lines end with `\n`, `\r\n` or `\r`; a blank line ends an
/// event; `:` lines are comments; several `data:` lines join with `\n`.
public struct SSEDecoder: Sendable {
    private var pending = ByteBuffer()
    private var data = ByteBuffer()
    private var hasData = false
    private var eventName: String?
    /// True when the previous chunk ended in `\r`, so a leading `\n` belongs to that line.
    private var skipLeadingNewline = false
    /// Events larger than this are a protocol error (a hostile or broken upstream).
    public let maxEventBytes: Int

    public init(maxEventBytes: Int = 8 * 1024 * 1024) {
        self.maxEventBytes = maxEventBytes
    }

    /// Errors the decoder reports.
    public enum DecodeError: Error, Equatable {
        case eventTooLarge
    }

    /// Appends `bytes` and returns every event completed by them, in order.
    public mutating func feed(_ bytes: ByteBuffer) throws(DecodeError) -> [SSEEvent] {
        var events: [SSEEvent] = []
        try feed(bytes) { events.append($0) }
        return events
    }

    /// Appends `bytes` and calls `onEvent` for every event completed by them, in order.
    public mutating func feed(_ bytes: ByteBuffer, onEvent: (SSEEvent) -> Void) throws(DecodeError) {
        var input = bytes
        if pending.readableBytes > 0 {
            pending.writeBuffer(&input)
            input = pending
            pending = ByteBuffer()
        }
        while input.readableBytes > 0 {
            if skipLeadingNewline {
                skipLeadingNewline = false
                if input.readableBytesView.first == UInt8(ascii: "\n") {
                    input.moveReaderIndex(forwardBy: 1)
                    continue
                }
            }
            let view = input.readableBytesView
            guard let end = view.firstIndex(where: { $0 == UInt8(ascii: "\n") || $0 == UInt8(ascii: "\r") }) else {
                // The partial line still holds its field name (`data: `); the exact check
                // runs when the line ends, so the same event passes in any split.
                if input.readableBytes + data.readableBytes > maxEventBytes + 8 { throw .eventTooLarge }
                pending = input
                return
            }
            let lineLength = end - view.startIndex
            let terminator = view[end]
            // A slice shares storage with `input`: no copy of the line itself.
            guard let line = input.readSlice(length: lineLength) else { return }
            input.moveReaderIndex(forwardBy: 1)
            if terminator == UInt8(ascii: "\r") {
                if let next = input.readableBytesView.first {
                    if next == UInt8(ascii: "\n") { input.moveReaderIndex(forwardBy: 1) }
                } else {
                    skipLeadingNewline = true
                }
            }
            if let event = try processLine(line) { onEvent(event) }
        }
    }

    /// Ends the input: returns a last event that was not followed by a blank line, if any.
    public mutating func finish() -> SSEEvent? {
        if pending.readableBytes > 0 {
            let line = pending
            pending = ByteBuffer()
            _ = try? processLine(line)
        }
        guard hasData else { return nil }
        return dispatch()
    }

    private mutating func processLine(_ line: ByteBuffer) throws(DecodeError) -> SSEEvent? {
        let view = line.readableBytesView
        guard let first = view.first else {
            return hasData ? dispatch() : resetNameOnly()
        }
        if first == UInt8(ascii: ":") { return nil }
        let colon = view.firstIndex(of: UInt8(ascii: ":"))
        let fieldEnd = colon ?? view.endIndex
        var valueStart = colon.map { view.index(after: $0) } ?? view.endIndex
        if valueStart < view.endIndex, view[valueStart] == UInt8(ascii: " ") { valueStart += 1 }
        let field = view[view.startIndex..<fieldEnd]
        if field.elementsEqual("data".utf8) {
            var value = line
            value.moveReaderIndex(forwardBy: valueStart - view.startIndex)
            if hasData { data.writeInteger(UInt8(ascii: "\n")) }
            if data.readableBytes + value.readableBytes > maxEventBytes { throw .eventTooLarge }
            if !hasData && data.readableBytes == 0 {
                data = value  // common case: one data line, keep the slice as is
            } else {
                data.writeBuffer(&value)
            }
            hasData = true
        } else if field.elementsEqual("event".utf8) {
            eventName = String(decoding: view[valueStart...], as: UTF8.self)
        }
        // `id:` and `retry:` are accepted and ignored.
        return nil
    }

    private mutating func dispatch() -> SSEEvent {
        let event = SSEEvent(name: eventName, data: data)
        data = ByteBuffer()
        hasData = false
        eventName = nil
        return event
    }

    private mutating func resetNameOnly() -> SSEEvent? {
        eventName = nil
        return nil
    }
}
