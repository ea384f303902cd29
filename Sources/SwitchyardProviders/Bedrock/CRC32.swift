/// CRC-32 (IEEE 802.3 / zlib: reflected polynomial 0xEDB88320, init and final XOR
/// 0xFFFFFFFF), the checksum of the AWS event-stream framing (providers.md §4.5).
public enum CRC32 {
    /// The 256-entry lookup table, built once.
    static let table: [UInt32] = (0..<256).map { index -> UInt32 in
        var value = UInt32(index)
        for _ in 0..<8 {
            value = value & 1 == 1 ? (value >> 1) ^ 0xEDB8_8320 : value >> 1
        }
        return value
    }

    /// The checksum of `bytes`, continuing from `previous` (the checksum of what came before).
    public static func checksum(_ bytes: some Sequence<UInt8>, continuing previous: UInt32 = 0) -> UInt32 {
        var crc = ~previous
        table.withUnsafeBufferPointer { table in
            for byte in bytes {
                crc = (crc >> 8) ^ table[Int((crc ^ UInt32(byte)) & 0xFF)]
            }
        }
        return ~crc
    }
}
