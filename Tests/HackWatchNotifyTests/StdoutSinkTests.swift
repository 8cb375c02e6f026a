import Foundation
import Testing
import HackWatchFixtures
@testable import HackWatchModel
@testable import HackWatchNotify

@Suite struct StdoutSinkTests {
    @Test func oneHTMLSafeJSONLinePerAlert() throws {
        let pipe = Pipe()
        let sink = StdoutSink(name: "out", descriptor: pipe.fileHandleForWriting.fileDescriptor)
        #expect(sink.send(NotifyFixtures.alert()) == .delivered)
        #expect(sink.send(NotifyFixtures.hostileAlert()) == .delivered)
        try pipe.fileHandleForWriting.close()
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 3 && lines[2].isEmpty)
        let first = try JSONValue.parse(String(lines[0]))
        #expect(first["type"] == .string("incident.created"))
        #expect(first["rule"] == .string("mega-loss"))
        #expect(first["incident"]?["name"] == .string("Ronin"))
        #expect(first["incident"]?["loss"] == .number(624_000_000))
        let hostile = String(lines[1])
        let decoded = jsonStrings(try JSONValue.parse(hostile))
        #expect(NotifyFixtures.forbidden.filter { hostile.contains($0) || decoded.contains($0) } == [])
        #expect(!hostile.contains("<") && !hostile.contains(">"))
    }

    @Test func closedPipeRetriesInsteadOfLosingTheAlert() throws {
        let pipe = Pipe()
        try pipe.fileHandleForReading.close()
        let sink = StdoutSink(name: "out", descriptor: pipe.fileHandleForWriting.fileDescriptor)
        guard case .retry(_, let reason) = sink.send(NotifyFixtures.alert()) else {
            Issue.record("a closed pipe should retry"); return
        }
        #expect(reason == "cannot write to standard output: Broken pipe")
    }
}
