import CamrecStore
import Testing

/// The store's XXH64 against known answers for all 64 bits (the reference implementation's
/// values, as Python's `xxhash` package gives them): the short paths (0, 1, 3 bytes), the 8- and
/// 4-byte tails (39 bytes), the four-lane loop (1027 bytes) and a non-zero seed.
@Suite("XXH64 known answers")
struct XXHash64Tests {
    struct Vector: Sendable, CustomTestStringConvertible {
        var input: [UInt8]
        var seed: UInt64
        var expected: UInt64
        var testDescription: String { "\(input.count) bytes, seed 0x\(String(seed, radix: 16))" }
    }

    static let vectors: [Vector] = [
        Vector(input: [], seed: 0, expected: 0xEF46_DB37_51D8_E999),
        Vector(input: Array("a".utf8), seed: 0, expected: 0xD24E_C4F1_A98C_6E5B),
        Vector(input: Array("abc".utf8), seed: 0, expected: 0x44BC_2CF5_AD77_0999),
        Vector(input: Array("Nobody inspects the spammish repetition".utf8), seed: 0, expected: 0xFBCE_A83C_8A37_8BF1),
        Vector(input: (0..<4).flatMap { _ in (0...255).map { UInt8($0) } } + Array("xyz".utf8), seed: 0,
               expected: 0xE146_CB31_B65B_C21A),
        Vector(input: (0..<100).map { UInt8($0) }, seed: 0x9E37_79B1_85EB_CA87, expected: 0x0027_8BDA_0EE3_F586),
    ]

    @Test(arguments: vectors)
    func matchesTheReference(_ vector: Vector) {
        #expect(XXHash64.hash(vector.input, seed: vector.seed) == vector.expected)
        vector.input.withUnsafeBytes { bytes in
            #expect(XXHash64.hash(bytes, seed: vector.seed) == vector.expected)
        }
    }
}
