@testable import CamrecInspect
import Testing

/// The hand-written protobuf wire encoder against the encoding guide's own examples
/// (https://protobuf.dev/programming-guides/encoding/); MCAPExportTests decode whole messages
/// with Python's protobuf package.
@Suite struct ProtobufEncoderTests {
    @Test func varintsAreBase128LeastSignificantFirst() {
        var bytes: [UInt8] = []
        ProtobufEncoder.appendVarint(150, to: &bytes)
        #expect(bytes == [0x96, 0x01])
        bytes = []
        ProtobufEncoder.appendVarint(UInt64.max, to: &bytes)
        #expect(bytes == [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01])
    }

    @Test func fieldsCarryTheirNumberAndWireType() {
        var message = ProtobufEncoder()
        message.varint(1, 150)  // the guide's Test1 { int32 a = 1 } with a = 150
        #expect(message.bytes == [0x08, 0x96, 0x01])
        message = ProtobufEncoder()
        message.string(2, "testing")
        #expect(message.bytes == [0x12, 0x07] + Array("testing".utf8))
        message = ProtobufEncoder()
        message.fixed32(5, 0x0102_0304)
        #expect(message.bytes == [0x2D, 0x04, 0x03, 0x02, 0x01])
        message = ProtobufEncoder()
        message.signedVarint(1, -2)  // int64: two's complement, ten bytes
        #expect(message.bytes == [0x08, 0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01])
    }

    @Test func defaultValuesAreLeftOutButRepeatedMessagesAreNot() {
        var message = ProtobufEncoder()
        message.varint(1, 0)
        message.string(2, "")
        message.data(3, [])
        message.fixed32(4, 0)
        message.message(5, ProtobufEncoder())
        #expect(message.bytes.isEmpty)
        message.message(6, ProtobufEncoder(), always: true)
        #expect(message.bytes == [0x32, 0x00])
    }

    @Test func timestampsKeepNanosWithinASecond() {
        #expect(ProtobufEncoder.timestamp(nanoseconds: 1_500_000_000).bytes == [0x08, 0x01, 0x10, 0x80, 0xCA, 0xB5, 0xEE, 0x01])
        // 0.5 s before 1970: seconds -1, nanos 500,000,000.
        let before = ProtobufEncoder.timestamp(nanoseconds: -500_000_000).bytes
        #expect(before == [0x08] + Array(repeating: 0xFF, count: 9) + [0x01, 0x10, 0x80, 0xCA, 0xB5, 0xEE, 0x01])
    }
}
