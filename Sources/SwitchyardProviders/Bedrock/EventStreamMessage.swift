import NIOCore

/// One message of an `application/vnd.amazon.eventstream` body (providers.md §4.5): typed
/// headers and an opaque payload (JSON for Bedrock).
public struct EventStreamMessage: Sendable, Equatable {
    public var headers: [EventStreamHeader]
    public var payload: ByteBuffer

    public init(headers: [EventStreamHeader], payload: ByteBuffer) {
        self.headers = headers
        self.payload = payload
    }

    /// The string value of the first header called `name`, if it is a string.
    public func string(_ name: String) -> String? {
        for header in headers where header.name == name {
            if case .string(let value) = header.value { return value }
            return nil
        }
        return nil
    }

    /// `:message-type`: `event`, `exception` or `error`.
    public var messageType: String? { string(":message-type") }
    /// `:event-type`, for event messages.
    public var eventType: String? { string(":event-type") }
}

/// One header of an event-stream message.
public struct EventStreamHeader: Sendable, Equatable {
    public var name: String
    public var value: Value

    public init(name: String, value: Value) {
        self.name = name
        self.value = value
    }

    /// A shorthand for a string header (type 7), the only kind Bedrock sends.
    public static func string(_ name: String, _ value: String) -> EventStreamHeader {
        EventStreamHeader(name: name, value: .string(value))
    }

    /// The typed value; the comment gives the wire type byte.
    public enum Value: Sendable, Equatable {
        case bool(Bool)  // 0 true, 1 false
        case byte(Int8)  // 2
        case int16(Int16)  // 3
        case int32(Int32)  // 4
        case int64(Int64)  // 5
        case bytes([UInt8])  // 6
        case string(String)  // 7
        case timestamp(Int64)  // 8, milliseconds since the epoch
        case uuid([UInt8])  // 9, 16 bytes
    }
}
