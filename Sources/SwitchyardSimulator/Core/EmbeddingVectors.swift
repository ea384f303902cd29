#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Deterministic unit-length embedding vectors derived from the input text.
enum EmbeddingVectors {
    /// A `dimensions`-long unit vector; the same text always gives the same vector.
    static func vector(for text: String, dimensions: Int) -> [Float] {
        var seed: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            seed = (seed ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
        }
        var state = seed == 0 ? 0x9e37_79b9_7f4a_7c15 : seed
        var values = [Float]()
        values.reserveCapacity(dimensions)
        var sumOfSquares: Float = 0
        for _ in 0..<max(1, dimensions) {
            state ^= state >> 12
            state ^= state << 25
            state ^= state >> 27
            let bits = (state &* 0x2545_f491_4f6c_dd1d) >> 40
            let value = Float(bits) / Float(1 << 24) * 2 - 1
            values.append(value)
            sumOfSquares += value * value
        }
        let norm = sumOfSquares > 0 ? sumOfSquares.squareRoot() : 1
        return values.map { $0 / norm }
    }

    /// `values` as a JSON array of numbers.
    static func jsonArray(_ values: [Float]) -> String {
        var out = "["
        out.reserveCapacity(values.count * 12)
        for (i, value) in values.enumerated() {
            if i > 0 { out += "," }
            out += value.description
        }
        return out + "]"
    }

    /// `values` as base64 of little-endian float32s (OpenAI `encoding_format: base64`).
    static func base64(_ values: [Float]) -> String {
        var bytes = [UInt8]()
        bytes.reserveCapacity(values.count * 4)
        for value in values {
            let bits = value.bitPattern.littleEndian
            withUnsafeBytes(of: bits) { bytes.append(contentsOf: $0) }
        }
        return Data(bytes).base64EncodedString()
    }
}
