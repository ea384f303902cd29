import Hummingbird

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Decodes request bodies into the small structs the dialects read.
enum RequestDecoding {
    /// Decodes `T` from `body`, or returns a short message fit for a 400 answer.
    static func decode<T: Decodable>(_ type: T.Type, from body: ByteBuffer) -> Result<T, DecodeFailure> {
        guard body.readableBytes > 0 else {
            return .failure(DecodeFailure(message: "Request body is empty; expected a JSON object."))
        }
        do {
            return .success(try JSONDecoder().decode(T.self, from: Data(body.readableBytesView)))
        } catch let DecodingError.keyNotFound(key, _) {
            return .failure(DecodeFailure(message: "Missing required parameter: '\(key.stringValue)'."))
        } catch let DecodingError.typeMismatch(_, context) {
            return .failure(DecodeFailure(message: "Invalid type for '\(path(context))'."))
        } catch let DecodingError.valueNotFound(_, context) {
            return .failure(DecodeFailure(message: "Invalid value for '\(path(context))': null."))
        } catch {
            return .failure(DecodeFailure(message: "We could not parse the JSON body of your request."))
        }
    }

    private static func path(_ context: DecodingError.Context) -> String {
        context.codingPath.map(\.stringValue).joined(separator: ".")
    }
}

/// Why a request body could not be read.
struct DecodeFailure: Error {
    var message: String
}
