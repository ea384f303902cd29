import NIOCore
import SwitchyardCore

/// Edits an OpenAI-form request body for the upstream by splicing bytes: only `model` is
/// replaced (and, for streams, `stream_options` set so the upstream reports usage); every
/// other byte passes through as the client sent it.
public enum OpenAIBodyRewriter {
    static let includeUsageMember = #""stream_options":{"include_usage":true}"#

    /// Returns `body` with `model` set to `upstreamModel`; when `forceUsage` is true, also
    /// with `stream_options.include_usage` on. Nil if `body` is not a JSON object.
    public static func rewrite(_ body: ByteBuffer, upstreamModel: String, forceUsage: Bool) -> ByteBuffer? {
        let scanned = body.withUnsafeReadableBytes { raw in
            JSONTopLevelScanner.scan(raw, "model", forceUsage ? "stream_options" : nil)
        }
        guard let (model, options) = scanned else { return nil }

        var edits: [(range: Range<Int>, replacement: String)] = []
        let modelValue = JSONString.encode(upstreamModel)
        if let model {
            edits.append((model.value, modelValue))
        }
        if forceUsage {
            if let options {
                edits.append((options.value, #"{"include_usage":true}"#))
            }
        }
        var insertions = ""
        if model == nil { insertions += #""model":"# + modelValue + "," }
        if forceUsage && options == nil { insertions += includeUsageMember + "," }

        edits.sort { $0.range.lowerBound < $1.range.lowerBound }
        var output = ByteBufferAllocator().buffer(capacity: body.readableBytes + modelValue.utf8.count + insertions.utf8.count + 8)
        body.withUnsafeReadableBytes { raw in
            var cursor = 0
            if !insertions.isEmpty, let brace = raw.firstIndex(of: UInt8(ascii: "{")) {
                output.writeBytes(UnsafeRawBufferPointer(rebasing: raw[0...brace]))
                cursor = brace + 1
                // An empty object gets the inserted members without a trailing comma.
                var probe = cursor
                while probe < raw.count, [0x20, 0x0A, 0x0D, 0x09].contains(raw[probe]) { probe += 1 }
                if probe < raw.count, raw[probe] == UInt8(ascii: "}") {
                    output.writeString(String(insertions.dropLast()))
                } else {
                    output.writeString(insertions)
                }
            }
            for edit in edits {
                output.writeBytes(UnsafeRawBufferPointer(rebasing: raw[cursor..<edit.range.lowerBound]))
                output.writeString(edit.replacement)
                cursor = edit.range.upperBound
            }
            output.writeBytes(UnsafeRawBufferPointer(rebasing: raw[cursor..<raw.count]))
        }
        return output
    }
}
