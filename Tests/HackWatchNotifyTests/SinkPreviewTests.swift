import Foundation
import Testing
import TestSupport
import HackWatchFixtures
@testable import HackWatchConfiguration
@testable import HackWatchModel
@testable import HackWatchNotify

/// `preview` shows the bytes the sink really sends: for every HTTP sink, the previewed request
/// (method, path, body) equals what a loopback receiver got from `send`, for a hostile first
/// message and for a threaded update.
@Suite struct SinkPreviewTests {
    /// A threaded update of the hostile alert (the thread a numeric first-message id).
    static func update(_ alert: Alert) -> Alert {
        var update = alert
        update.revision = 1
        update.id = Alert.revisionID(story: alert.story, revision: 1)
        update.changes = [AlertChange(field: "loss", from: "$540M", to: "$624M")]
        update.storyHeadline = "[HIGH] first"
        update.storyStarted = alert.firedAt
        return update
    }

    @Test(arguments: HTTPSinkKind.allCases, [false, true])
    func previewIsWhatIsSent(kind: HTTPSinkKind, isUpdate: Bool) throws {
        let server = try LoopbackHTTPServer { _ in
            .text(#"{"ok": true, "id": "55", "ts": "1.2", "result": {"message_id": 55}}"#, headers: [("Content-Type", "application/json")])
        }
        defer { server.stop() }
        let sink = try kind.make(server)
        let first = NotifyFixtures.hostileAlert(length: 6000)
        let alert = isUpdate ? Self.update(first) : first
        let thread: String? = isUpdate ? "55" : nil
        let preview = sink.preview(alert, thread: thread, sinkType: kind.rawValue)
        #expect(sink.send(alert, thread: thread).result == .delivered)
        // Discord asks for its guild after a first message (a GET the preview does not show).
        let posted = server.requests.filter { $0.method != "GET" }
        #expect(posted.count == preview.messages.count)
        for (message, request) in zip(preview.messages, posted) {
            #expect(message.target.hasPrefix("\(request.method) http://127.0.0.1:\(server.port)/…"), "\(message.target)")
            #expect(message.body == request.bodyText, "\(kind)")
            let sent = request.headers.map { "\($0.name.lowercased()): \($0.value)" }
            // The webhook's timestamp (and so its signature) is fresh per attempt.
            for header in message.headers where header.name != "webhook-timestamp" && header.name != "webhook-signature" {
                #expect(sent.contains("\(header.name.lowercased()): \(header.value)"), "\(header.name)")
            }
        }
        if isUpdate, kind == .discord { #expect(preview.messages.map { String($0.target.prefix(5)) } == ["PATCH", "POST "]) }
    }

    /// Secret values disappear from targets, headers and bodies; `Authorization` is hidden whatever it holds.
    @Test func redactionHidesSecretsWherever() throws {
        let preview = WirePreview(messages: [
            WirePreview.Message(target: "POST https://x/…", headers: [("Authorization", "Bearer tk_abc"), ("X-Key", "KEY123")],
                                body: #"{"routing_key":"KEY123","u":"https://h/p/SECRETPATH"}"#),
        ], text: "t").redacted(["KEY123", "SECRETPATH", "ab"])
        #expect(preview.messages[0].headers.map { "\($0.name): \($0.value)" } == ["Authorization: Bearer ‹redacted›", "X-Key: ‹redacted›"])
        #expect(preview.messages[0].body == #"{"routing_key":"‹redacted›","u":"https://h/p/‹redacted›"}"#)
    }

    /// The secret values of a config, its webhook URL's path included.
    @Test func secretValuesIncludeTheURLPath() {
        let config = SinkConfig(name: "s", type: "webhook", url: .environment("HOOK"), secret: .literal("whsec_x"))
        #expect(SinkFactory.secretValues(config, environment: ["HOOK": "https://h.example/a/TOKEN?k=1"])
                == ["https://h.example/a/TOKEN?k=1", "whsec_x", "/a/TOKEN?k=1"])
        let (preview, notes) = SinkFactory.previewConfig(config, environment: [:])
        #expect(preview.url == .literal("https://unresolved.invalid/"))
        #expect(notes == ["url: environment variable HOOK is not set; shown with a stand-in URL"])
    }
}
