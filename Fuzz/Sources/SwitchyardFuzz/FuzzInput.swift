import NIOCore

/// One fuzz input: its bytes whole, and the same bytes cut into pieces at points derived
/// from their hash, as a socket could deliver them.
struct FuzzInput {
    let buffer: ByteBuffer
    let hash: UInt64

    init(_ raw: UnsafeRawBufferPointer) {
        buffer = ByteBuffer(bytes: raw)
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in raw {
            h = (h ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
        }
        hash = h
    }

    var string: String { String(buffer: buffer) }

    /// The bytes in pieces of 1 to 16 bytes (sometimes larger), never empty ones.
    var pieces: [ByteBuffer] {
        var state = hash | 1
        var out: [ByteBuffer] = []
        var rest = buffer
        while rest.readableBytes > 0 {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            let size = state % 8 == 0 ? Int(state >> 8 % 512) + 1 : Int(state >> 8 % 16) + 1
            guard let piece = rest.readSlice(length: min(size, rest.readableBytes)) else { break }
            out.append(piece)
        }
        return out
    }

    /// A value in `0..<count` taken from the hash, for choosing a variant.
    func choice(_ count: Int, salt: UInt64 = 0) -> Int {
        Int(((hash ^ salt) >> 17) % UInt64(count))
    }
}

/// Stops the process with a message libFuzzer reports as a crash: a broken invariant.
func require(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String) {
    if !condition() {
        fatalError("invariant failed: \(message())")
    }
}
