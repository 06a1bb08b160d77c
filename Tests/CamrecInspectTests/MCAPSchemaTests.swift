@testable import CamrecInspect
import Foundation
import Testing

/// The FileDescriptorSets the MCAP export embeds are protoc's output for the .proto files in proto/
/// (tools/gen-mcap-schemas writes them; tools/setup installs protoc).
@Suite struct MCAPSchemaTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    @Test(arguments: [
        ("foxglove/RawImage.proto", MCAPSchemaDescriptors.rawImage),
        ("foxglove/CompressedImage.proto", MCAPSchemaDescriptors.compressedImage),
        ("foxglove/CompressedVideo.proto", MCAPSchemaDescriptors.compressedVideo),
        ("camrec/Buffer.proto", MCAPSchemaDescriptors.buffer),
        ("camrec/Event.proto", MCAPSchemaDescriptors.event),
    ])
    func committedDescriptorsAreProtocOutputOfTheProtoFiles(file: String, committed: [UInt8]) throws {
        let protoc = try #require(Fixtures.which("protoc"), "protoc is needed: apt-get install protobuf-compiler (tools/setup)")
        let folder = try Fixtures.temporaryFolder()
        let output = folder + "/set.pb"
        let proto = Self.repository.appendingPathComponent("proto").path
        let run = try Fixtures.run(executable: protoc, ["-I", proto, "--include_imports", "--descriptor_set_out=" + output,
                                                        proto + "/" + file])
        try #require(run.status == 0, "\(run.standardError)")
        let generated = Array(try Data(contentsOf: URL(fileURLWithPath: output)))
        #expect(generated == committed, "\(file) changed: run tools/gen-mcap-schemas")
    }
}
