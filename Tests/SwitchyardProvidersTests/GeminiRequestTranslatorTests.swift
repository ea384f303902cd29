import Foundation
import SwitchyardCore
import Testing

@testable import SwitchyardProviders

/// Canonical request → Gemini `generateContent` body (providers.md §3.2).
@Suite struct GeminiRequestTranslatorTests {
    typealias F = GeminiFixtures

    @Test func fullRequestMatchesTheProvidersExample() throws {
        let canonical = try F.canonical(
            #"""
            {"model":"gemini-2.5-flash","messages":[
              {"role":"system","content":"You are terse."},
              {"role":"user","content":[{"type":"text","text":"What is in this image?"},
                {"type":"image_url","image_url":{"url":"data:image/png;base64,iVBOR..."}}]},
              {"role":"assistant","content":null,"tool_calls":[{"id":"fc_1","type":"function",
                "function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}}]},
              {"role":"tool","tool_call_id":"fc_1","content":"{\"temp_c\":21}"}
            ],
            "tools":[{"type":"function","function":{"name":"get_weather","description":"Current weather","strict":true,
              "parameters":{"$schema":"http://json-schema.org/draft-07/schema#","type":"object",
                "properties":{"city":{"type":"string"}},"required":["city"],"additionalProperties":false}}}],
            "tool_choice":"auto","temperature":0.7,"top_p":0.95,"max_tokens":1024,"stop":["\n\n"],"seed":42,
            "response_format":{"type":"json_object"},"user":"u1","logit_bias":{"50256":-100},"presence_penalty":0.5,
            "frequency_penalty":0.1,"parallel_tool_calls":true,"stream":false}
            """#
        )
        let wire = try GeminiTranslator.request(canonical) { id, _ in id == "fc_1" ? "CvcBAc..." : nil }
        let expected = F.json(
            #"""
            {
              "systemInstruction": {"parts": [{"text": "You are terse."}]},
              "contents": [
                {"role": "user", "parts": [
                  {"text": "What is in this image?"},
                  {"inlineData": {"mimeType": "image/png", "data": "iVBOR..."}}
                ]},
                {"role": "model", "parts": [
                  {"functionCall": {"name": "get_weather", "args": {"city": "Paris"}},
                   "thoughtSignature": "CvcBAc..."}
                ]},
                {"role": "user", "parts": [
                  {"functionResponse": {"name": "get_weather", "response": {"temp_c": 21}}}
                ]}
              ],
              "tools": [{"functionDeclarations": [{
                  "name": "get_weather", "description": "Current weather",
                  "parameters": {"type": "OBJECT", "properties": {"city": {"type": "STRING"}}, "required": ["city"]}}]}],
              "toolConfig": {"functionCallingConfig": {"mode": "AUTO"}},
              "generationConfig": {
                "temperature": 0.7, "topP": 0.95, "maxOutputTokens": 1024,
                "stopSequences": ["\n\n"], "seed": 42, "responseMimeType": "application/json"
              }
            }
            """#
        )
        #expect(F.json(encoding: wire) == expected)
    }

    @Test func minimalRequestHasNoOptionalSections() throws {
        let canonical = try F.canonical(#"{"model":"m","messages":[{"role":"user","content":"Hi"}]}"#)
        let wire = try GeminiTranslator.request(canonical)
        #expect(F.json(encoding: wire) == F.json(#"{"contents":[{"role":"user","parts":[{"text":"Hi"}]}]}"#))
    }

    @Test func toolResultsAreMergedInCallOrderAndPlainTextIsWrapped() throws {
        let canonical = try F.canonical(
            #"""
            {"model":"m","messages":[
              {"role":"user","content":"Weather in Paris and Rome?"},
              {"role":"assistant","content":"Checking.","tool_calls":[
                {"id":"a","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}},
                {"id":"b","type":"function","function":{"name":"get_time","arguments":""}}]},
              {"role":"tool","tool_call_id":"b","content":[{"type":"text","text":"12:00"}]},
              {"role":"tool","tool_call_id":"a","content":"sunny"},
              {"role":"user","content":"Thanks"}
            ]}
            """#
        )
        let wire = try GeminiTranslator.request(canonical)
        let expected = F.json(
            #"""
            {"contents":[
              {"role":"user","parts":[{"text":"Weather in Paris and Rome?"}]},
              {"role":"model","parts":[{"text":"Checking."},
                {"functionCall":{"name":"get_weather","args":{"city":"Paris"}}},
                {"functionCall":{"name":"get_time","args":{}}}]},
              {"role":"user","parts":[
                {"functionResponse":{"name":"get_weather","response":{"content":"sunny"}}},
                {"functionResponse":{"name":"get_time","response":{"content":"12:00"}}},
                {"text":"Thanks"}]}
            ]}
            """#
        )
        #expect(F.json(encoding: wire) == expected)
    }

    @Test func toolChoiceModes() throws {
        func mode(_ choice: String) throws -> JSONValue? {
            let canonical = try F.canonical(
                #"{"model":"m","messages":[{"role":"user","content":"x"}],"tools":[{"type":"function","function":{"name":"f"}}],"tool_choice":"#
                    + choice + "}"
            )
            let wire = try GeminiTranslator.request(canonical)
            return wire.toolConfig.map { F.json(encoding: $0) }
        }
        #expect(try mode(#""none""#) == F.json(#"{"functionCallingConfig":{"mode":"NONE"}}"#))
        #expect(try mode(#""required""#) == F.json(#"{"functionCallingConfig":{"mode":"ANY"}}"#))
        #expect(
            try mode(#"{"type":"function","function":{"name":"f"}}"#)
                == F.json(#"{"functionCallingConfig":{"mode":"ANY","allowedFunctionNames":["f"]}}"#)
        )
    }

    @Test func functionWithoutArgumentsIsDeclaredWithoutParameters() throws {
        let canonical = try F.canonical(
            #"""
            {"model":"m","messages":[{"role":"user","content":"x"}],
             "tools":[{"type":"function","function":{"name":"now","parameters":{"type":"object","properties":{}}}}]}
            """#
        )
        let wire = try GeminiTranslator.request(canonical)
        #expect(F.json(encoding: wire.tools) == F.json(#"[{"functionDeclarations":[{"name":"now"}]}]"#))
        #expect(wire.toolConfig == nil)
    }

    @Test func schemaIsReducedToGeminisSubset() {
        let schema = F.json(
            #"""
            {"type":"object","$schema":"x","additionalProperties":false,
             "$defs":{"Unit":{"type":"string","enum":["c","f"],"description":"unit"}},
             "properties":{
               "unit":{"$ref":"#/$defs/Unit","description":"temperature unit"},
               "days":{"type":["integer","null"],"minimum":1,"exclusiveMaximum":10},
               "tags":{"type":"array","items":{"type":"string","const":"x"}},
               "level":{"enum":[1,2,3]}
             },
             "required":["unit","missing"]}
            """#
        )
        let expected = F.json(
            #"""
            {"type":"OBJECT",
             "properties":{
               "unit":{"type":"STRING","enum":["c","f"],"description":"temperature unit"},
               "days":{"type":"INTEGER","nullable":true,"minimum":1},
               "tags":{"type":"ARRAY","items":{"type":"STRING","enum":["x"]}},
               "level":{}
             },
             "required":["unit"]}
            """#
        )
        #expect(GeminiSchema.convert(schema) == expected)
    }

    @Test func jsonSchemaResponseFormatBecomesResponseSchema() throws {
        let canonical = try F.canonical(
            #"""
            {"model":"m","messages":[{"role":"user","content":"x"}],
             "response_format":{"type":"json_schema","json_schema":{"name":"r","strict":true,
               "schema":{"type":"object","properties":{"a":{"type":"string"}},"required":["a"],"additionalProperties":false}}}}
            """#
        )
        let wire = try GeminiTranslator.request(canonical)
        let expected = F.json(
            #"""
            {"responseMimeType":"application/json",
             "responseSchema":{"type":"OBJECT","properties":{"a":{"type":"STRING"}},"required":["a"]}}
            """#
        )
        #expect(F.json(encoding: wire.generationConfig) == expected)
    }

    @Test func imageURLsBecomeFileDataAndStopIsCapped() throws {
        let canonical = try F.canonical(
            #"""
            {"model":"m","messages":[{"role":"developer","content":"Be brief."},{"role":"user","content":[
               {"type":"image_url","image_url":{"url":"https://example.com/cat.webp?x=1"}}]}],
             "stop":["1","2","3","4","5","6"],"n":2,"max_completion_tokens":50,"max_tokens":10}
            """#
        )
        let wire = try GeminiTranslator.request(canonical)
        let expected = F.json(
            #"""
            {"systemInstruction":{"parts":[{"text":"Be brief."}]},
             "contents":[{"role":"user","parts":[{"fileData":{"mimeType":"image/webp","fileUri":"https://example.com/cat.webp?x=1"}}]}],
             "generationConfig":{"maxOutputTokens":50,"stopSequences":["1","2","3","4","5"],"candidateCount":2}}
            """#
        )
        #expect(F.json(encoding: wire) == expected)
    }

    @Test func unknownToolCallIDIsAnInvalidRequest() throws {
        let canonical = try F.canonical(
            #"{"model":"m","messages":[{"role":"user","content":"x"},{"role":"tool","tool_call_id":"nope","content":"1"}]}"#
        )
        #expect(throws: UpstreamFailure.self) { try GeminiTranslator.request(canonical) }
        do {
            _ = try GeminiTranslator.request(canonical)
        } catch {
            #expect(error.kind == .invalidRequest)
            #expect(error.status == 400)
        }
    }

    @Test func invalidToolArgumentsAreAnInvalidRequest() throws {
        let canonical = try F.canonical(
            #"""
            {"model":"m","messages":[{"role":"user","content":"x"},
             {"role":"assistant","tool_calls":[{"id":"a","type":"function","function":{"name":"f","arguments":"{oops"}}]}]}
            """#
        )
        do {
            _ = try GeminiTranslator.request(canonical)
            Issue.record("expected a failure")
        } catch {
            #expect(error.kind == .invalidRequest)
        }
    }

    @Test func gemini3GetsThePlaceholderSignatureWhenNoneIsKnown() {
        let cache = GeminiSignatureCache(capacity: 2)
        cache.store([(id: "a", signature: "sigA")])
        #expect(cache.lookup(model: "gemini-3-pro-preview")("a", false) == "sigA")
        #expect(cache.lookup(model: "gemini-3-pro-preview")("zz", true) == GeminiSignatureCache.placeholder)
        #expect(cache.lookup(model: "gemini-3-pro-preview")("zz", false) == nil)
        #expect(cache.lookup(model: "gemini-2.5-flash")("zz", true) == nil)
        cache.store([(id: "b", signature: "sigB"), (id: "c", signature: "sigC")])
        #expect(cache.signature(for: "a") == nil)  // evicted: capacity 2
        #expect(cache.signature(for: "c") == "sigC")
    }
}
