import Foundation
import Testing
import TestSupport
import HackWatchFixtures
@testable import HackWatchConfiguration
@testable import HackWatchModel
@testable import HackWatchNotify
@testable import HackWatchStore

/// Stories on every destination (issue 11): a first message, then an update, through the real
/// outbox and a loopback receiver; the update goes where the first message is.
@Suite struct SinkThreadTests {
    /// The first alert of a story and its update (loss revised, another feed).
    static func story(sink: String) -> [StoryFiring] {
        var first = NotifyFixtures.alert()
        first.story = Alert.storyID(incidentID: first.incident.id, source: first.incident.source)
        first.id = first.story
        first.rules = ["mega-loss", "bridge"]
        let headline = "[CRITICAL] Ronin: $540M stolen"
        first.incident.loss = Money(usd: 540e6)
        var update = first
        update.id = Alert.revisionID(story: first.story, revision: 1)
        update.revision = 1
        update.incident.loss = Money(usd: 624e6)
        update.incident.sources = ["defillama", "rekt"]
        update.changes = [AlertChange(field: "loss", from: "$540M", to: "$624M"),
                          AlertChange(field: "sources", from: "defillama", to: "defillama, rekt")]
        update.storyStarted = first.firedAt
        update.storyHeadline = headline
        let state = StoryState(story: first.story, revision: 0, snapshot: first.incident, rules: first.rules,
                               startedAt: first.firedAt, headline: headline)
        var next = state
        next.revision = 1
        return [StoryFiring(state: state, alerts: [(first, [sink])], incident: first.incident, newRules: first.rules),
                StoryFiring(state: next, alerts: [(update, [sink])], incident: first.incident, newRules: [])]
    }

    /// What the destination answers to a first message: Telegram and Discord return ids.
    static func reply(_ kind: HTTPSinkKind, _ request: RecordedRequest) -> ServerReply {
        switch kind {
        case .telegram: .text(#"{"ok":true,"result":{"message_id":4242}}"#)
        case .discord:
            switch request.method {
            case "GET": .text(#"{"id":"1","type":1,"guild_id":"77","channel_id":"5"}"#)  // Get Webhook with Token
            case "PATCH": .text(#"{"id":"998877"}"#)
            default: .text(#"{"id":"998877","channel_id":"5"}"#)
            }
        default: kind.success
        }
    }

    @Test(arguments: HTTPSinkKind.allCases)
    func updateGoesWhereTheFirstMessageIs(kind: HTTPSinkKind) throws {
        let server = try LoopbackHTTPServer { request in Self.reply(kind, request) }
        defer { server.stop() }
        let (store, folder) = try NotifyFixtures.temporaryStore()
        defer { store.close(); try? FileManager.default.removeItem(at: folder) }
        let sink = try kind.make(server)
        let worker = OutboxWorker(store: store, sinks: [sink.name: sink], policy: NotifyFixtures.fastPolicy, logger: NotifyFixtures.logger)
        let firings = Self.story(sink: sink.name)
        _ = try store.recordStories([firings[0]])
        #expect(worker.drain().delivered == 1)
        let firstRequests = server.requests
        _ = try store.recordStories([firings[1]])
        #expect(worker.drain().delivered == 1)
        let updateRequests = Array(server.requests.dropFirst(firstRequests.count))
        let first = try #require(firstRequests.last)
        let update = try #require(updateRequests.last)
        let firstBody = (try? JSONValue.parse(first.body)) ?? .null
        let body = (try? JSONValue.parse(update.body)) ?? .null
        let text = String(decoding: update.body, as: UTF8.self) + update.headers.map(\.value).joined(separator: "\n")
        switch kind {
        case .telegram:
            #expect(body["reply_parameters"]?["message_id"] == .number(4242))
            #expect(firstBody["reply_parameters"] == nil)
        case .discord:
            #expect(updateRequests.count == 2)
            #expect(updateRequests.first?.method == "PATCH")
            #expect(updateRequests.first?.path == "/hook/SECRET-TOKEN/messages/998877")
            let edited = try JSONValue.parse(updateRequests[0].body)
            #expect(edited["embeds"]?.arrayValue?.first?["fields"].map { "\($0)" }?.contains("$624M") == true)
            #expect(update.method == "POST" && body["content"]?.stringValue?.contains("loss $540M → $624M") == true)
            #expect(body["content"]?.stringValue?.contains("https://discord.com/channels/77/5/998877") == true)
            #expect(firstRequests.map(\.method) == ["POST", "GET"])
        case .pagerduty:
            #expect(body["dedup_key"] == firstBody["dedup_key"])
            #expect(body["dedup_key"]?.stringValue == firings[0].state.story)
        case .webhook:
            #expect(firstBody["type"] == .string("incident.created"))
            #expect(body["type"] == .string("incident.updated"))
            #expect(body["id"] == firstBody["id"])
            #expect(body["changes"]?["loss"]?["to"] == .string("$624M"))
            #expect(update.header("webhook-id") != first.header("webhook-id"))
        case .slack, .teams, .mattermost, .ntfy:
            // A new message, marked as an update, naming the first.
            #expect(text.contains("Update to") && text.contains("Ronin: $540M stolen"), "\(text.prefix(400))")
            #expect(text.contains("$624M"))
        }
    }

    /// Slack with a bot token: the update is a reply in the first message's thread.
    @Test func slackBotTokenRepliesInTheThread() throws {
        let server = try LoopbackHTTPServer { _ in .text(#"{"ok":true,"channel":"C123","ts":"1503435956.000247"}"#) }
        defer { server.stop() }
        let (store, folder) = try NotifyFixtures.temporaryStore()
        defer { store.close(); try? FileManager.default.removeItem(at: folder) }
        let tokenFile = folder.appendingPathComponent("slack-token")
        try "xoxb-TEST-TOKEN\n".write(to: tokenFile, atomically: true, encoding: .utf8)
        var config = SinkConfig(name: "slackbot", type: "slack", url: .literal(server.url("/api")))
        config.settings = ["token_file": .string(tokenFile.path), "channel": .string("C123"), "rate_limit": .number(1000)]
        #expect(SinkFactory.validate(config).isEmpty)
        let sink = try SinkFactory.make(config, environment: [:])
        let worker = OutboxWorker(store: store, sinks: [sink.name: sink], policy: NotifyFixtures.fastPolicy, logger: NotifyFixtures.logger)
        _ = try store.recordStories(Self.story(sink: sink.name))
        #expect(worker.drain().delivered == 2)
        let requests = server.requests
        #expect(requests.map(\.path) == ["/api/chat.postMessage", "/api/chat.postMessage"])
        #expect(requests.allSatisfy { $0.header("authorization") == "Bearer xoxb-TEST-TOKEN" })
        let bodies = requests.map { (try? JSONValue.parse($0.body)) ?? .null }
        #expect(bodies.map { $0["thread_ts"] } == [nil, .string("1503435956.000247")])
        #expect(bodies.allSatisfy { $0["channel"] == .string("C123") })
        // Half a bot config is an error, named.
        var half = config
        half.settings["channel"] = nil
        #expect(SinkFactory.validate(half).contains("channel: a Slack bot token needs both token_file and channel"))
    }

    /// syslog (a loopback UDP listener) and stdout (a pipe): the update is a new message marked
    /// as one, naming the first; stdout carries `incident.updated` with the first's id.
    @Test func syslogAndStdoutUpdatesNameTheFirst() throws {
        let listener = try SyslogListener(stream: false)
        defer { listener.stop() }
        let syslog = try SyslogSinkTests.sink("udp://127.0.0.1:\(listener.port)")
        let pipe = Pipe()
        let stdout = StdoutSink(name: "out", descriptor: pipe.fileHandleForWriting.fileDescriptor)
        let (store, folder) = try NotifyFixtures.temporaryStore()
        defer { store.close(); try? FileManager.default.removeItem(at: folder) }
        let worker = OutboxWorker(store: store, sinks: [syslog.name: syslog, stdout.name: stdout], policy: NotifyFixtures.fastPolicy,
                                  logger: NotifyFixtures.logger)
        for firing in Self.story(sink: syslog.name) {
            var both = firing
            both.alerts = firing.alerts.map { ($0.alert, [syslog.name, stdout.name]) }
            _ = try store.recordStories([both])
        }
        #expect(worker.drain().delivered == 4)
        let frames = listener.messages(count: 2)
        let update = try RFC5424Message(try #require(frames.last))
        #expect(update.message.contains("Update to \"[CRITICAL] Ronin: $540M stolen\""), "\(update.message)")
        #expect(update.message.contains("loss $540M → $624M"))
        try pipe.fileHandleForWriting.close()
        let lines = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).split(separator: "\n")
        let events = try lines.map { try JSONValue.parse(String($0)) }
        #expect(events.map { $0["type"] } == [.string("incident.created"), .string("incident.updated")])
        #expect(events[0]["id"] == events[1]["id"])
        #expect(events[1]["changes"]?["sources"]?["to"] == .string("defillama, rekt"))
    }

    /// After a restart the reference is read from the database, not from memory.
    @Test func threadReferenceSurvivesReopeningTheStore() throws {
        let server = try LoopbackHTTPServer { request in Self.reply(.telegram, request) }
        defer { server.stop() }
        let (store, folder) = try NotifyFixtures.temporaryStore()
        defer { try? FileManager.default.removeItem(at: folder) }
        let sink = try HTTPSinkKind.telegram.make(server)
        let firings = Self.story(sink: sink.name)
        _ = try store.recordStories(firings)
        let worker = OutboxWorker(store: store, sinks: [sink.name: sink], policy: NotifyFixtures.fastPolicy, logger: NotifyFixtures.logger)
        // Only the first goes out: the update waits behind it and the "process" ends.
        _ = try store.dueDeliveries(now: Date(), limit: 10)
        #expect(try store.threadAnchor(story: firings[0].state.story, sink: sink.name).firstPending)
        #expect(worker.drain().delivered == 2)
        store.close()
        let reopened = try StateStore(path: StateStore.path(stateDir: folder.path))
        defer { reopened.close() }
        #expect(try reopened.threadAnchor(story: firings[0].state.story, sink: sink.name).reference == "4242")
        let bodies = server.requests.map { (try? JSONValue.parse($0.body)) ?? .null }
        #expect(bodies.map { $0["reply_parameters"]?["message_id"] } == [nil, .number(4242)])
    }
}

extension SinkThreadTests {
    /// After a restart the first message's retry may lie ahead while its update is due: the
    /// update is rescheduled to the first's time instead of going out before it.
    @Test func updateWaitsForItsPendingFirstMessage() throws {
        let server = try LoopbackHTTPServer { request in Self.reply(.telegram, request) }
        defer { server.stop() }
        let (store, folder) = try NotifyFixtures.temporaryStore()
        defer { store.close(); try? FileManager.default.removeItem(at: folder) }
        let sink = try HTTPSinkKind.telegram.make(server)
        let firings = Self.story(sink: sink.name)
        _ = try store.recordStories(firings)
        let rows = try store.pendingDeliveries(limit: 10)
        let later = Date().addingTimeInterval(0.6)
        try store.scheduleRetry(rows[0].id, attempts: 1, next: later, error: "503")
        let worker = OutboxWorker(store: store, sinks: [sink.name: sink], policy: NotifyFixtures.fastPolicy, logger: NotifyFixtures.logger)
        let early = worker.drain()
        #expect(early.delivered == 0 && early.deferred == 1 && server.requests.isEmpty)
        let update = try #require(try store.pendingDeliveries(limit: 10).first { $0.alert.isUpdate })
        #expect(abs(update.nextAttempt.timeIntervalSince(later)) < 0.01)
        Thread.sleep(forTimeInterval: 0.7)
        #expect(worker.drain().delivered == 2)
        let bodies = server.requests.map { (try? JSONValue.parse($0.body)) ?? .null }
        #expect(bodies.map { $0["reply_parameters"]?["message_id"] } == [nil, .number(4242)])
    }
}
