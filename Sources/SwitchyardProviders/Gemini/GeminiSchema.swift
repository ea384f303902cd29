/// Converts a JSON Schema (OpenAI tool parameters, `response_format.json_schema`) into the
/// OpenAPI-3.0 subset Gemini's `Schema` accepts (providers.md §3.2): keys it rejects
/// (`$schema`, `additionalProperties`, `$ref`/`$defs`, `strict`, ...) are dropped, local
/// `$ref`s are inlined, `type: [X, "null"]` becomes `type` + `nullable`, types are upper-cased.
enum GeminiSchema {
    /// Keys Gemini's `Schema` message knows; everything else is dropped.
    static let allowedKeys: Set<String> = [
        "type", "format", "title", "description", "nullable", "enum", "maxItems", "minItems",
        "properties", "required", "minProperties", "maxProperties", "minLength", "maxLength",
        "pattern", "example", "anyOf", "propertyOrdering", "default", "items", "minimum", "maximum",
    ]
    /// How deep `$ref`s are followed before a (recursive) schema is cut off.
    static let maxDepth = 24

    /// The Gemini form of `schema`; nil when nothing usable remains.
    static func convert(_ schema: JSONValue) -> JSONValue? {
        guard let root = schema.objectValue else { return nil }
        var definitions: [String: JSONValue] = [:]
        for key in ["$defs", "definitions"] {
            if let defs = root[key]?.objectValue {
                definitions.merge(defs) { first, _ in first }
            }
        }
        return convert(schema, definitions: definitions, depth: 0)
    }

    private static func convert(_ schema: JSONValue, definitions: [String: JSONValue], depth: Int) -> JSONValue? {
        guard depth < maxDepth, var object = schema.objectValue else { return nil }
        if let ref = object["$ref"]?.stringValue {
            let name = ref.split(separator: "/").last.map(String.init) ?? ""
            guard let target = definitions[name]?.objectValue else { return .object(["type": .string("OBJECT")]) }
            // Sibling keys of a `$ref` (description, ...) win over the referenced schema's.
            object.removeValue(forKey: "$ref")
            object = target.merging(object) { _, sibling in sibling }
        }
        var result: [String: JSONValue] = [:]
        for (key, value) in object where allowedKeys.contains(key) {
            switch key {
            case "type":
                convertType(value, into: &result)
            case "properties":
                guard let properties = value.objectValue else { continue }
                var converted: [String: JSONValue] = [:]
                for (name, property) in properties {
                    converted[name] = convert(property, definitions: definitions, depth: depth + 1) ?? .object([:])
                }
                result["properties"] = .object(converted)
            case "items":
                if let items = convert(value, definitions: definitions, depth: depth + 1) { result["items"] = items }
            case "anyOf":
                guard case .array(let options) = value else { continue }
                let converted = options.compactMap { convert($0, definitions: definitions, depth: depth + 1) }
                if !converted.isEmpty { result["anyOf"] = .array(converted) }
            case "enum":
                // Gemini enums are strings only.
                guard case .array(let values) = value else { continue }
                let strings = values.compactMap(\.stringValue)
                if strings.count == values.count, !strings.isEmpty {
                    result["enum"] = .array(strings.map(JSONValue.string))
                }
            default:
                result[key] = value
            }
        }
        if let constant = object["const"]?.stringValue, result["enum"] == nil {
            result["enum"] = .array([.string(constant)])
        }
        tidyObject(&result)
        return .object(result)
    }

    /// `"string"` → `"STRING"`; `["string","null"]` → `"STRING"` + `nullable: true`.
    private static func convertType(_ value: JSONValue, into result: inout [String: JSONValue]) {
        switch value {
        case .string(let type):
            result["type"] = .string(type.uppercased())
        case .array(let types):
            let names = types.compactMap(\.stringValue)
            if names.contains("null") { result["nullable"] = .bool(true) }
            if let first = names.first(where: { $0 != "null" }) { result["type"] = .string(first.uppercased()) }
        default:
            break
        }
    }

    /// `required` may only name declared properties; an OBJECT needs a non-empty
    /// `properties` map, so an empty one is dropped.
    private static func tidyObject(_ result: inout [String: JSONValue]) {
        let properties = result["properties"]?.objectValue
        if let properties, properties.isEmpty {
            result.removeValue(forKey: "properties")
        }
        if case .array(let required)? = result["required"] {
            let kept = required.filter { name in name.stringValue.map { properties?[$0] != nil } ?? false }
            result["required"] = kept.isEmpty ? nil : .array(kept)
        }
    }
}
