import Foundation
import Testing
import TestSupport

/// Issue 11 with the real binary: two feeds report the same hacks — DefiLlama first, a
/// rekt.news-shaped JSON feed 3–20 days later under rekt's names — and a crash between a first
/// message and its update.
@Suite(.serialized) struct StoryEndToEndTests {
    static let rules = """
        rule mega { when loss >= $100M
            severity critical }
        rule bridge { when bridge
            severity high }
        """

    /// A temp folder with two file feeds and a config whose sinks the test gives.
    struct Setup {
        let dir: URL
        var llama: URL { dir.appendingPathComponent("llama.json") }
        var rekt: URL { dir.appendingPathComponent("rekt.json") }
        var config: URL { dir.appendingPathComponent("config.json") }

        init(sinks: String, interval: String = "1h") throws {
            dir = try makeTemporaryDirectory("hackwatch-story")
            try FileManager.default.createDirectory(at: dir.appendingPathComponent("rules"), withIntermediateDirectories: true)
            try StoryEndToEndTests.rules.write(to: dir.appendingPathComponent("rules/main.rules"), atomically: true, encoding: .utf8)
            try Self.write([], to: llama)
            try Self.rektFile([], to: rekt)
            let config = """
                {"state_dir": "state", "rules": ["rules"], "baseline": "30d", "correlation_window": "21d", "log_level": "debug",
                 "delivery_deadline": "5s",
                 "feeds": [
                   {"name": "defillama", "url": "\(llama.absoluteString)", "format": "defillama", "interval": "\(interval)"},
                   {"name": "rekt", "url": "\(rekt.absoluteString)", "format": "json", "interval": "\(interval)",
                    "items_pointer": "/props/pageProps/leaderboard",
                    "mapping": {"id": "/slug", "name": "/title", "date": "/date", "loss": "/rekt/amount", "summary": "/excerpt"}}],
                 "sinks": [\(sinks)]}
                """
            try config.write(to: self.config, atomically: true, encoding: .utf8)
        }

        /// DefiLlama records: (name, days ago, loss, bridge, returned).
        static func write(_ records: [(String, Double, Double, Bool, Double?)], to url: URL) throws {
            let items = records.map { name, daysAgo, loss, bridge, returned in
                "{\"name\":\"\(name)\",\"date\":\(Int(Date().timeIntervalSince1970 - daysAgo * 86_400)),\"amount\":\(loss),"
                    + "\"chain\":[\"Ethereum\"],\"classification\":\"Infrastructure\",\"technique\":\"Private Key Compromised\","
                    + "\"bridgeHack\":\(bridge),\"targetType\":\"DeFi Protocol\",\"returnedFunds\":\(returned.map { "\($0)" } ?? "null"),"
                    + "\"source\":\"\",\"language\":null}"
            }
            try Data(("[" + items.joined(separator: ",") + "]").utf8).write(to: url)
        }

        /// rekt.news leaderboard shape: (title, slug, article days ago, loss); dates M/D/YYYY.
        static func rektFile(_ records: [(String, String, Double, Double)], to url: URL) throws {
            func day(_ daysAgo: Double) -> String {
                var time = time_t(Date().timeIntervalSince1970 - daysAgo * 86_400)
                var parts = tm()
                gmtime_r(&time, &parts)
                return "\(parts.tm_mon + 1)/\(parts.tm_mday)/\(parts.tm_year + 1900)"
            }
            let items = records.map { title, slug, daysAgo, loss in
                "{\"date\":\"\(day(daysAgo))\",\"featured\":false,\"title\":\"\(title)\",\"rekt\":{\"amount\":\(loss),"
                    + "\"audit\":\"N/A\",\"date\":\"\(day(daysAgo + 1))\"},\"tags\":[\"REKT\"],\"excerpt\":\"Drained.\",\"slug\":\"\(slug)\"}"
            }
            try Data(("{\"props\":{\"pageProps\":{\"leaderboard\":[" + items.joined(separator: ",") + "]}},\"page\":\"/leaderboard\"}").utf8)
                .write(to: url)
        }

        func clean() { try? FileManager.default.removeItem(at: dir) }
    }

    /// (type, id, incident name) of each webhook POST.
    static func events(_ server: LoopbackHTTPServer) -> [(type: String, id: String, name: String)] {
        server.requests.compactMap { request in
            guard let object = try? JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any],
                  let type = object["type"] as? String, let id = object["id"] as? String,
                  let incident = object["incident"] as? [String: Any], let name = incident["name"] as? String else { return nil }
            return (type, id, name)
        }
    }

    @Test func lateRenamedReportsFromASecondFeedAreAtMostOneUpdateEach() throws {
        let server = try LoopbackHTTPServer { _ in .text("ok") }
        defer { server.stop() }
        let setup = try Setup(sinks: "{\"name\": \"hook\", \"type\": \"webhook\", \"url\": \"\(server.url("/hook"))\", \"default\": true}")
        defer { setup.clean() }
        // DefiLlama: three hacks in the baseline window, one older (history, silent).
        try Setup.write([("Ronin Bridge", 25, 624e6, true, nil), ("Bybit", 15, 1.46e9, false, nil),
                         ("Nomad", 5, 190e6, true, nil), ("Old Bridge", 60, 300e6, true, nil)], to: setup.llama)
        let first = try Binary.run(["once", "--config", setup.config.path])
        #expect(first.status == 0, "\(first.stderr)")
        let created = Self.events(server)
        #expect(created.map(\.type) == ["incident.created", "incident.created", "incident.created"])
        #expect(Set(created.map(\.name)) == ["Ronin Bridge", "Bybit", "Nomad"])

        // rekt, 3–20 days after each hack, under its own names; plus a late report of the old
        // (silent) hack and of a hack nobody else knows, both older than the baseline.
        try Setup.rektFile([("Ronin Network - REKT", "ronin-rekt", 5, 624e6), ("ByBit - Rekt", "bybit-rekt", 12, 1.43e9),
                            ("Nomad Bridge - REKT", "nomad-rekt", 2, 190e6), ("Old Bridge - REKT", "old-rekt", 50, 300e6),
                            ("Forgotten - REKT", "forgotten-rekt", 45, 150e6)], to: setup.rekt)
        let second = try Binary.run(["once", "--config", setup.config.path])
        #expect(second.status == 0, "\(second.stderr)")
        let all = Self.events(server)
        let updates = Array(all.dropFirst(created.count))
        #expect(updates.map(\.type) == ["incident.updated", "incident.updated", "incident.updated"], "\(updates)")
        // Each update carries its first alert's id and DefiLlama's name: one thread per hack.
        #expect(Set(updates.map(\.id)) == Set(created.map(\.id)))
        #expect(Set(updates.map(\.name)) == ["Ronin Bridge", "Bybit", "Nomad"])

        // Polling the same files again sends nothing.
        let third = try Binary.run(["once", "--config", setup.config.path])
        #expect(third.status == 0)
        #expect(Self.events(server).count == all.count)
    }

    /// kill -9 after the first Telegram message, a revised loss, restart: the update replies to
    /// the message id the first sendMessage returned.
    @Test func updateAfterACrashStillThreadsToTheFirstMessage() throws {
        let ids = Counter()
        let server = try LoopbackHTTPServer { _ in .text("{\"ok\":true,\"result\":{\"message_id\":\(ids.next() + 700)}}") }
        defer { server.stop() }
        let sink = "{\"name\": \"tg\", \"type\": \"telegram\", \"url\": \"\(server.baseURL)\", \"secret\": \"123:TOKEN\", \"chat_id\": -100, \"default\": true}"
        let setup = try Setup(sinks: sink, interval: "1s")
        defer { setup.clean() }
        try Setup.write([("Ronin Bridge", 2, 540e6, true, nil)], to: setup.llama)
        let daemon = try Self.start(setup)
        #expect(server.waitForRequests(1, timeout: 30), "\((try? String(contentsOf: setup.dir.appendingPathComponent("stderr.log"), encoding: .utf8)) ?? "")")
        Thread.sleep(forTimeInterval: 0.3)
        kill(daemon.processIdentifier, SIGKILL)
        daemon.waitUntilExit()
        let firsts = server.requests.count

        try Setup.write([("Ronin Bridge", 2, 624e6, true, 10e6)], to: setup.llama)
        let restarted = try Self.start(setup)
        defer { kill(restarted.processIdentifier, SIGKILL); restarted.waitUntilExit() }
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline, !server.requests.contains(where: { Self.body($0)["reply_parameters"] != nil }) {
            Thread.sleep(forTimeInterval: 0.05)
        }
        Thread.sleep(forTimeInterval: 1.5)  // anything doubled would arrive by now
        let bodies = server.requests.map(Self.body)
        let replies = bodies.filter { $0["reply_parameters"] != nil }
        let originals = bodies.filter { $0["reply_parameters"] == nil }
        #expect(replies.count == 1)
        // At most one repeat of the first message per crash (README "Outbox guarantees").
        #expect((1...2).contains(originals.count) && firsts >= 1)
        // The update replies to the message id returned for the last first message sent.
        let lastOriginal = try #require(bodies.lastIndex { $0["reply_parameters"] == nil })
        let reply = replies.first?["reply_parameters"] as? [String: Any]
        #expect(reply?["message_id"] as? Int == 700 + lastOriginal)
        #expect((replies.first?["text"] as? String)?.contains("$540M → $624M") == true)
    }

    /// `replay` prints the noise per rule set: the shipped rules on DefiLlama since 2022 are
    /// 138 rule matches but 97 messages per sink, one per incident.
    @Test(.enabled(if: SharedFeeds.defiLlamaSnapshot != nil, "shared/feeds DefiLlama snapshot not found"))
    func replayOfTheShippedRulesPrintsOneMessagePerIncidentPerSink() throws {
        let sinks = "{\"name\": \"chat\", \"type\": \"stdout\", \"default\": true}, {\"name\": \"pager\", \"type\": \"stdout\", \"default\": true}"
        let setup = try Setup(sinks: sinks)
        defer { setup.clean() }
        try FileManager.default.removeItem(at: setup.dir.appendingPathComponent("rules/main.rules"))
        try FileManager.default.copyItem(at: Binary.repoRoot.appendingPathComponent("rules/default.rules"),
                                         to: setup.dir.appendingPathComponent("rules/default.rules"))
        let input = setup.dir.appendingPathComponent("snapshot.json")
        try Data(SharedFeeds.defiLlamaSnapshot ?? []).write(to: input)
        let result = try Binary.run(["replay", "--config", setup.config.path, "--input", input.path, "--format", "defillama",
                                     "--since", "2022-01-01"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("138 alerts (rule matches)"), "\(result.stdout.suffix(600))")
        #expect(result.stdout.contains("97 incidents alerted, 0 updates; messages per sink:\n  chat   97\n  pager  97"),
                "\(result.stdout.suffix(600))")
    }

    /// `test` adds the same summary on stderr, keeping stdout one line per match.
    @Test func testCommandSummarisesMessagesPerSink() throws {
        let setup = try Setup(sinks: "")
        defer { setup.clean() }
        try Setup.write([("Ronin Bridge", 2, 624e6, true, nil), ("Tiny", 1, 5e3, false, nil)], to: setup.llama)
        let result = try Binary.run(["test", "--rules", setup.dir.appendingPathComponent("rules").path, "--input", setup.llama.path,
                                     "--format", "defillama"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.split(separator: "\n").count == 2)  // mega and bridge on Ronin
        #expect(result.stderr.contains("2 incidents, 2 rule matches, 1 incidents alerted: 1 messages per sink, 0 updates"), "\(result.stderr)")
    }

    static func body(_ request: RecordedRequest) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any]) ?? [:]
    }

    static func start(_ setup: Setup) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Binary.path)
        process.arguments = ["run", "--config", setup.config.path]
        var environment = ProcessInfo.processInfo.environment
        environment.removeValue(forKey: "NOTIFY_SOCKET")
        environment.removeValue(forKey: "JOURNAL_STREAM")
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        let log = setup.dir.appendingPathComponent("stderr.log")
        if !FileManager.default.fileExists(atPath: log.path) { _ = FileManager.default.createFile(atPath: log.path, contents: nil) }
        let handle = try FileHandle(forWritingTo: log)
        handle.seekToEndOfFile()
        process.standardError = handle
        try spawn(process)
        return process
    }

    final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var value = -1
        func next() -> Int { lock.withLock { value += 1; return value } }
    }
}
