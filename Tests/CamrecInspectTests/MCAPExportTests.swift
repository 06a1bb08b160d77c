import CamrecStore
import Foundation
import Testing

/// MCAP export, read back with the Python `mcap` package (PyPI: `pip install mcap`).
@Suite struct MCAPExportTests {
    static let reader = #"""
import json, sys, base64
from mcap.reader import make_reader
with open(sys.argv[1], 'rb') as f:
    reader = make_reader(f)
    summary = reader.get_summary()
    out = {'statistics': summary.statistics.message_count,
           'channels': sorted(c.topic for c in summary.channels.values()),
           'schemas': sorted(s.name for s in summary.schemas.values()), 'messages': []}
    for schema, channel, message in reader.iter_messages():
        body = json.loads(message.data)
        out['messages'].append({'topic': channel.topic, 'log_time': message.log_time,
            'sequence': message.sequence, 'encoding': body.get('encoding'), 'width': body.get('width'),
            'step': body.get('step'), 'bytes': len(base64.b64decode(body['data'])),
            'stamp': body['timestamp']['sec'] * 1000000000 + body['timestamp']['nsec']})
print(json.dumps(out))
"""#

    @Test func mcapReadsBackWithThePythonPackage() throws {
        guard let python = Fixtures.which("python3") else {
            Issue.record("python3 is needed")
            return
        }
        let check = try Fixtures.run(executable: python, ["-c", "import mcap"])
        try #require(check.status == 0, "the Python `mcap` package is missing: pip install mcap")
        let folder = try Fixtures.temporaryFolder()
        let path = try Fixtures.syntheticRecording(in: folder)
        let output = folder + "/out.mcap"
        let run = try Fixtures.camrec(["export", path, "-o", output])
        #expect(run.status == 0, "\(run.standardError)")
        let read = try Fixtures.run(executable: python, ["-c", Self.reader, output])
        #expect(read.status == 0, "\(read.standardError)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(read.standardOutput.utf8)) as? [String: Any])
        let recording = try RecordingReader(path: path)
        let buffers = try recording.buffers()
        #expect(object["statistics"] as? Int == buffers.count)
        #expect(object["channels"] as? [String] == ["/camrec/main", "/camrec/meta", "/camrec/preview"])
        #expect(object["schemas"] as? [String] == ["camrec.MetadataBuffer", "foxglove.RawImage"])
        let messages = try #require(object["messages"] as? [[String: Any]])
        #expect(messages.count == buffers.count)
        for (message, buffer) in zip(messages, buffers) {
            // Log time is the recorded timestamp.
            #expect(message["log_time"] as? Int64 == buffer.metadata.timestamp.nanoseconds)
            #expect(message["stamp"] as? Int64 == buffer.metadata.timestamp.nanoseconds)
            #expect(message["sequence"] as? Int == Int(buffer.metadata.sequence))
            switch message["topic"] as? String {
            case "/camrec/main":  // NV12 has no RawImage encoding: converted to rgb8
                #expect(message["encoding"] as? String == "rgb8" && message["bytes"] as? Int == 64 * 48 * 3)
            case "/camrec/preview":  // YUYV is native
                #expect(message["encoding"] as? String == "yuyv" && message["bytes"] as? Int == 32 * 16 * 2)
                #expect(message["step"] as? Int == 64)
            default:
                #expect(message["bytes"] as? Int == 64)
            }
        }
    }
}
