import Logging
import SwitchyardCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A swift-log backend writing one JSON object per line:
/// `{"ts":"2025-01-31T12:00:00.123Z","level":"info","label":"switchyard","message":"request",...}`
/// with the metadata as further top-level fields (numbers and booleans stay JSON numbers
/// and booleans). `switchyard serve` bootstraps it; tests pass their own `sink`.
public struct JSONLogHandler: LogHandler {
    /// Receives each finished line, newline included.
    public typealias Sink = @Sendable (String) -> Void

    /// The fields every line starts with; metadata keys that collide get a `meta_` prefix.
    static let reserved: Set<String> = ["ts", "level", "label", "message"]

    public let label: String
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    private let sink: Sink

    /// A handler for `label` writing lines at `level` and above to `sink` (standard error
    /// by default, one `write(2)` per line so concurrent lines never interleave).
    public init(
        label: String,
        level: Logger.Level = .info,
        metadataProvider: Logger.MetadataProvider? = nil,
        sink: @escaping Sink = JSONLogHandler.standardError
    ) {
        self.label = label
        self.logLevel = level
        self.metadataProvider = metadataProvider
        self.sink = sink
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        sink(Self.line(event: event, label: label, metadata: merged(event.metadata)))
    }

    private func merged(_ explicit: Logger.Metadata?) -> Logger.Metadata {
        var all = metadata
        if let provided = metadataProvider?.get() { all.merge(provided) { _, new in new } }
        if let explicit { all.merge(explicit) { _, new in new } }
        return all
    }

    /// The JSON line for `event`, newline included.
    static func line(event: LogEvent, label: String, metadata: Logger.Metadata) -> String {
        var line = #"{"ts":""# + timestamp() + #"","level":""# + event.level.rawValue + #"","label":"#
        line += JSONString.encode(label) + #","message":"# + JSONString.encode(event.message.description)
        if let error = event.error {
            line += #","error_description":"# + JSONString.encode(String(describing: error))
        }
        for key in metadata.keys.sorted() {
            guard let value = metadata[key] else { continue }
            let name = reserved.contains(key) ? "meta_" + key : key
            line += "," + JSONString.encode(name) + ":" + render(value)
        }
        return line + "}\n"
    }

    /// A metadata value as JSON.
    static func render(_ value: Logger.Metadata.Value) -> String {
        switch value {
        case .string(let text):
            return JSONString.encode(text)
        case .stringConvertible(let convertible):
            switch convertible {
            case let number as Int: return String(number)
            case let number as Int64: return String(number)
            case let number as UInt64: return String(number)
            case let number as Double where number.isFinite: return String(number)
            case let flag as Bool: return flag ? "true" : "false"
            default: return JSONString.encode(convertible.description)
            }
        case .dictionary(let dictionary):
            let fields = dictionary.keys.sorted().compactMap { key in
                dictionary[key].map { JSONString.encode(key) + ":" + render($0) }
            }
            return "{" + fields.joined(separator: ",") + "}"
        case .array(let values):
            return "[" + values.map(render).joined(separator: ",") + "]"
        }
    }

    /// UTC wall-clock time with milliseconds, RFC 3339.
    static func timestamp() -> String {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        var seconds = spec.tv_sec
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func pad(_ value: Int32, _ width: Int) -> String {
            let text = String(value)
            return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
        }
        return pad(parts.tm_year + 1900, 4) + "-" + pad(parts.tm_mon + 1, 2) + "-" + pad(parts.tm_mday, 2) + "T"
            + pad(parts.tm_hour, 2) + ":" + pad(parts.tm_min, 2) + ":" + pad(parts.tm_sec, 2) + "."
            + pad(Int32(spec.tv_nsec / 1_000_000), 3) + "Z"
    }

    /// Writes `line` to standard error with as few `write(2)` calls as it takes (one for
    /// any line shorter than the pipe buffer, so lines from several threads stay whole).
    public static let standardError: Sink = { line in
        var line = line
        line.withUTF8 { bytes in
            guard let base = bytes.baseAddress else { return }
            var offset = 0
            while offset < bytes.count {
                let written = write(2, base + offset, bytes.count - offset)
                if written <= 0 {
                    if written < 0 && errno == EINTR { continue }
                    return
                }
                offset += written
            }
        }
    }
}
