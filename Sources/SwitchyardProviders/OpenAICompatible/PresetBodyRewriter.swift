import NIOCore
import SwitchyardCore

/// Applies an `OpenAICompatiblePreset` to an OpenAI-form body by splicing bytes: members are
/// dropped, renamed or have their value replaced, `model` is set, and (when the preset
/// accepts it) `stream_options.include_usage` forced; every other byte is the client's.
public enum PresetBodyRewriter {
    /// One splice: the bytes in `range` become `replacement` (empty: removed).
    struct Edit {
        var range: Range<Int>
        var replacement: String
    }

    /// The body for the preset's upstream; nil when `body` is not a JSON object (or has
    /// `model` / `stream_options` twice).
    public static func rewrite(
        _ body: ByteBuffer,
        upstreamModel: String,
        forceUsage: Bool,
        preset: OpenAICompatiblePreset
    ) -> ByteBuffer? {
        guard preset.hasRequestDeviations else {
            return OpenAIBodyRewriter.rewrite(body, upstreamModel: upstreamModel, forceUsage: forceUsage)
        }
        let forceUsage = forceUsage && preset.acceptsStreamOptions
        let dropped = preset.dropped(for: upstreamModel)
        // Messages are walked only when something in them can need an edit.
        let walkMessages =
            (preset.toolCallIDs != .passThrough && body.containsBytes(#""tool_call"#))
            || (preset.messageNames != .keep && body.containsBytes(#""name""#))
            || (preset.flattenTextContent
                && (body.containsBytes(#""content":["#) || body.containsBytes(#""content": ["#)))
        return body.withUnsafeReadableBytes { raw -> ByteBuffer? in
            guard let members = JSONTopLevelScanner.members(raw) else { return nil }
            let names = members.map(\.name)
            guard names.count(where: { $0 == "model" }) <= 1, names.count(where: { $0 == "stream_options" }) <= 1 else {
                return nil
            }
            let present = Set(names)
            var edits: [Edit] = []
            var removed: Set<Int> = []
            let modelValue = JSONString.encode(upstreamModel)
            for (index, member) in members.enumerated() {
                let value = raw[member.value]
                var name = member.name
                if name == "model" {
                    edits.append(Edit(range: member.value, replacement: modelValue))
                    continue
                }
                if name == "stream_options" {
                    if !preset.acceptsStreamOptions {
                        removed.insert(index)
                    } else if forceUsage {
                        edits.append(Edit(range: member.value, replacement: #"{"include_usage":true}"#))
                    }
                    continue
                }
                if let target = preset.rename[name] {
                    // The client's own `random_seed` wins over a renamed `seed`.
                    if present.contains(target) {
                        removed.insert(index)
                        continue
                    }
                    edits.append(Edit(range: member.key, replacement: JSONString.encode(target)))
                    name = target
                }
                if dropped.contains(name) || dropped.contains(member.name)
                    || preset.allowOnly.map({ !$0.contains(name) }) == true
                    || (preset.dropNulls && value.elementsEqual("null".utf8))
                {
                    removed.insert(index)
                    continue
                }
                if let keep = preset.dropUnless[name], !value.elementsEqual(keep.utf8) {
                    removed.insert(index)
                    continue
                }
                if let rewrite = preset.valueRewrites.first(where: {
                    $0.key == name && value.elementsEqual($0.from.utf8)
                }) {
                    if let replacement = rewrite.to {
                        edits.append(Edit(range: member.value, replacement: replacement))
                    } else {
                        removed.insert(index)
                    }
                    continue
                }
                if name == "temperature", let range = preset.temperatureRange,
                    let clamped = clamp(value, into: range)
                {
                    edits.append(Edit(range: member.value, replacement: clamped))
                }
                if name == "response_format", preset.schemaAsJSONObject,
                    let replacement = schemaAsJSONObject(raw, value: member.value)
                {
                    edits.append(Edit(range: member.value, replacement: replacement))
                }
                if name == "messages", walkMessages {
                    PresetMessageRewriter.edits(raw, messages: member.value, preset: preset, into: &edits)
                }
            }
            for range in JSONTopLevelScanner.removalRanges(
                members: members.map(\.member),
                valueEnds: members.map(\.value.upperBound),
                indices: removed
            ) {
                edits.append(Edit(range: range, replacement: ""))
            }
            var insertions: [String] = []
            if !present.contains("model") { insertions.append(#""model":"# + modelValue) }
            if forceUsage && !present.contains("stream_options") {
                insertions.append(OpenAIBodyRewriter.includeUsageMember)
            }
            let keepsMembers = removed.count < members.count
            return splice(raw, edits: edits, insertions: insertions, keepsMembers: keepsMembers)
        }
    }

    /// Writes `raw` with `edits` applied and `insertions` placed right after the opening brace.
    static func splice(_ raw: UnsafeRawBufferPointer, edits: [Edit], insertions: [String], keepsMembers: Bool)
        -> ByteBuffer
    {
        let sorted = edits.sorted { $0.range.lowerBound < $1.range.lowerBound }
        var prefix = insertions.joined(separator: ",")
        if !prefix.isEmpty, keepsMembers { prefix += "," }
        let extra = sorted.reduce(prefix.utf8.count) { $0 + $1.replacement.utf8.count }
        var output = ByteBufferAllocator().buffer(capacity: raw.count + extra)
        var cursor = 0
        if !prefix.isEmpty, let brace = raw.firstIndex(of: UInt8(ascii: "{")) {
            output.writeBytes(UnsafeRawBufferPointer(rebasing: raw[0...brace]))
            output.writeString(prefix)
            cursor = brace + 1
        }
        for edit in sorted where edit.range.lowerBound >= cursor {
            output.writeBytes(UnsafeRawBufferPointer(rebasing: raw[cursor..<edit.range.lowerBound]))
            output.writeString(edit.replacement)
            cursor = edit.range.upperBound
        }
        output.writeBytes(UnsafeRawBufferPointer(rebasing: raw[cursor..<raw.count]))
        return output
    }

    /// `{"type":"json_object","schema":S}` for a `json_schema` response format with schema S.
    static func schemaAsJSONObject(_ raw: UnsafeRawBufferPointer, value: Range<Int>) -> String? {
        guard raw[value.lowerBound] == UInt8(ascii: "{"), let members = JSONTopLevelScanner.members(raw[value]),
            let type = members.first(where: { $0.name == "type" }),
            raw[type.value].elementsEqual(#""json_schema""#.utf8),
            let wrapper = members.first(where: { $0.name == "json_schema" }),
            raw[wrapper.value.lowerBound] == UInt8(ascii: "{"),
            let schema = JSONTopLevelScanner.members(raw[wrapper.value])?.first(where: { $0.name == "schema" })
        else { return nil }
        return #"{"type":"json_object","schema":"# + String(decoding: raw[schema.value], as: UTF8.self) + "}"
    }

    /// The clamped number as JSON when `value` is a number outside `range`; nil otherwise.
    static func clamp(_ value: Slice<UnsafeRawBufferPointer>, into range: ClosedRange<Double>) -> String? {
        guard let number = Double(String(decoding: value, as: UTF8.self)), number.isFinite,
            !range.contains(number)
        else { return nil }
        let clamped = min(max(number, range.lowerBound), range.upperBound)
        if clamped.rounded() == clamped, abs(clamped) < 1e15 { return String(Int(clamped)) }
        return String(clamped)
    }
}
