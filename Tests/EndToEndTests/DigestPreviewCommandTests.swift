import Foundation
import Testing
import TestSupport

/// `preview --digest` and `notify-test --digest` with the built binary: the preview is byte for
/// byte what loopback webhook and Slack-shaped receivers get, limits hold on a large period,
/// the state database is only read, and bad names and dates get exact messages.
@Suite struct DigestPreviewCommandTests {
    /// A week of incidents (2026-11-23..29) and one a year earlier, in hackwatch's JSON form.
    static let week = """
        [{"id": "a", "source": "llama", "name": "Alpha Bridge", "loss": 120000000, "date": "2026-11-24T00:00:00Z", "target": "Bridge"},
         {"id": "b", "source": "llama", "name": "Beta Swap", "loss": 3500000, "date": "2026-11-27T00:00:00Z", "target": "DEX"},
         {"id": "c", "source": "llama", "name": "Gamma Lend", "date": "2026-11-29T00:00:00Z", "target": "Lending"},
         {"id": "d", "source": "llama", "name": "Old One", "loss": 50000000, "date": "2025-11-25T00:00:00Z", "target": "Bridge"}]
        """

    /// The same incidents as a DefiLlama body (what the daemon polls and stores).
    static let weekFeed = """
        [{"name": "Alpha Bridge", "date": 1795478400, "amount": 120000000, "targetType": "Bridge", "chain": ["Ethereum"]},
         {"name": "Beta Swap", "date": 1795737600, "amount": 3500000, "targetType": "DEX", "chain": ["BSC"]},
         {"name": "Gamma Lend", "date": 1795910400, "amount": null, "targetType": "Lending", "chain": ["Base"]},
         {"name": "Old One", "date": 1764028800, "amount": 50000000, "targetType": "Bridge", "chain": ["Ethereum"]}]
        """

    /// 60 incidents in the week with long names and as many targets: over every chat limit.
    static var bigWeek: String {
        let items = (0..<60).map { index in
            let name = "Protocol \(index) " + String(repeating: "with a very long name ", count: 5)
            return #"{"id": "p\#(index)", "source": "llama", "name": "\#(name)", "loss": \#((index + 1) * 1_000_000), "date": "2026-11-2\#(3 + index % 7)T00:00:00Z", "target": "Target type \#(index)"}"#
        }
        return "[" + items.joined(separator: ",\n") + "]"
    }

    static let at = "2026-11-30T10:00:00Z"
    static let heading = "digest weekly (2026-11-23..2026-11-29, sent 2026-11-30T09:00:00Z; history: "

    /// A config with digests and a webhook, a Slack and a Discord sink at `base`.
    struct Harness {
        let dir: URL
        let config: String

        init(base: String, feeds: String = "[]") throws {
            dir = try makeTemporaryDirectory("hackwatch-digest-preview")
            try FileManager.default.createDirectory(at: dir.appendingPathComponent("rules"), withIntermediateDirectories: true)
            // No rule matches: `once` stores the feed and sends nothing.
            try "rule never {\n    when loss >= $1000B\n}\n".write(to: dir.appendingPathComponent("rules/main.rules"), atomically: true, encoding: .utf8)
            config = dir.appendingPathComponent("config.json").path
            try """
                {"state_dir": "state", "feeds": \(feeds), "time_zone": "UTC",
                 "digests": [
                  {"name": "weekly", "schedule": "mon 09:00", "window": "7d", "top": 3, "by": "target", "compare": "1y", "notify": ["hook", "chat"]},
                  {"name": "big", "schedule": "mon 09:00", "window": "7d", "top": 50, "by": "target", "notify": ["discord", "chat"]},
                  {"name": "nowhere", "schedule": "daily 08:00", "notify": ["off"]},
                  {"name": "empty", "schedule": "daily 08:00", "over": "loss >= $100B", "skip_empty": true, "notify": ["hook"]}
                 ],
                 "sinks": [
                  {"name": "hook", "type": "webhook", "url": "\(base)/hook/SECRET-HOOK-PATH", "secret": "whsec_c2VjcmV0LXNpZ25pbmcta2V5"},
                  {"name": "chat", "type": "slack", "url": "\(base)/slack/SECRET-HOOK-PATH"},
                  {"name": "discord", "type": "discord", "url": "\(base)/discord/SECRET-HOOK-PATH"},
                  {"name": "off", "type": "webhook", "url": "\(base)/off", "enabled": false}
                 ]}
                """.write(toFile: config, atomically: true, encoding: .utf8)
        }

        func write(_ name: String, _ text: String) throws -> String {
            let path = dir.appendingPathComponent(name).path
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }

        /// Every file of the state folder with its bytes (nil: no folder).
        func stateFiles() throws -> [String: Data]? {
            let state = dir.appendingPathComponent("state")
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: state.path) else { return nil }
            var files: [String: Data] = [:]
            for name in names { files[name] = try Data(contentsOf: state.appendingPathComponent(name)) }
            return files
        }

        func clean() { try? FileManager.default.removeItem(at: dir) }
    }

    /// Per sink, the body line of a preview (the line after the headers' blank line).
    static func previewBodies(_ output: String) -> [String: String] {
        let lines = output.components(separatedBy: "\n")
        var bodies: [String: String] = [:]
        var index = 0
        while index < lines.count {
            guard lines[index].hasPrefix("── sink ") else { index += 1; continue }
            let name = String(lines[index].dropFirst("── sink ".count).prefix { $0 != " " })
            var blank = index + 1
            while blank < lines.count, !lines[blank].isEmpty { blank += 1 }
            if blank + 1 < lines.count { bodies[name] = lines[blank + 1] }
            index = blank + 1
        }
        return bodies
    }

    /// `preview` then `notify-test` of `digest` over `arguments`, both expected to succeed.
    static func previewAndSend(_ harness: Harness, digest: String, _ arguments: [String],
                               sourceLocation: SourceLocation = #_sourceLocation) throws -> (preview: Binary.Result, sent: Binary.Result) {
        let preview = try Binary.run(["preview", "--config", harness.config, "--digest", digest] + arguments)
        #expect(preview.status == 0, "\(preview.stderr)", sourceLocation: sourceLocation)
        let sent = try Binary.run(["notify-test", "--config", harness.config, "--digest", digest] + arguments)
        #expect(sent.status == 0, "\(sent.stdout)\(sent.stderr)", sourceLocation: sourceLocation)
        return (preview, sent)
    }

    static func assertNoSecrets(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) {
        for secret in ["SECRET-HOOK-PATH", "whsec_c2VjcmV0LXNpZ25pbmcta2V5"] {
            #expect(!text.contains(secret), "secret \(secret) in output: \(text)", sourceLocation: sourceLocation)
        }
    }

    @Test func previewIsByteForByteWhatNotifyTestDelivers() throws {
        let server = try LoopbackHTTPServer { _ in .text("ok") }
        defer { server.stop() }
        let harness = try Harness(base: server.baseURL)
        defer { harness.clean() }
        let input = try harness.write("week.json", Self.week)
        let (preview, sent) = try Self.previewAndSend(harness, digest: "weekly", ["--incident", input, "--at", Self.at])
        #expect(preview.stdout.hasPrefix(Self.heading + input + ")\n\n── sink hook (webhook) · digest:weekly · info · first message\n"), "\(preview.stdout)")
        #expect(preview.stdout.contains("webhook-id: digest:weekly:2026-11-29\n"))
        #expect(preview.stdout.contains("text:\n  3 incidents from 2026-11-23..2026-11-29 (UTC): $123.5M stolen, $123.5M net of returns\n  2 of 3 with a known loss; source: llama\n  compared with 2025-11-23..2025-11-29: 1 incidents, $50M (+147%)\n"), "\(preview.stdout)")
        #expect(sent.stdout == Self.heading + input + ")\nhook (webhook): delivered — HTTP 200: ok\nchat (slack): delivered — HTTP 200: ok\n")
        let bodies = Self.previewBodies(preview.stdout)
        let slack = try #require(server.requests.first { $0.path == "/slack/SECRET-HOOK-PATH" })
        #expect(slack.bodyText == bodies["chat"])
        // The webhook's body differs only by the id: a fresh notify-test id, so a receiver
        // deduplicating by webhook-id still takes the real digest later.
        let hook = try #require(server.requests.first { $0.path == "/hook/SECRET-HOOK-PATH" })
        let id = try #require(hook.header("webhook-id"))
        #expect(id.hasPrefix("notify-test-"))
        #expect(hook.bodyText == bodies["hook"]?.replacingOccurrences(of: #""digest:weekly:2026-11-29""#, with: "\"\(id)\""))
        #expect(hook.bodyText.contains(#""type":"digest""#))
        #expect(server.requests.count == 2)
        Self.assertNoSecrets(preview.stdout + preview.stderr + sent.stdout + sent.stderr)
        #expect(try harness.stateFiles() == nil, "no state folder created")
    }

    @Test func aLargePeriodStaysWithinDiscordAndSlackLimits() throws {
        let server = try LoopbackHTTPServer { _ in .text("ok") }
        defer { server.stop() }
        let harness = try Harness(base: server.baseURL)
        defer { harness.clean() }
        let input = try harness.write("big.json", Self.bigWeek)
        let (preview, _) = try Self.previewAndSend(harness, digest: "big", ["--incident", input, "--at", Self.at])
        let bodies = Self.previewBodies(preview.stdout)

        let discord = try #require(server.requests.first { $0.path == "/discord/SECRET-HOOK-PATH" })
        #expect(discord.bodyText == bodies["discord"])
        let embed = try #require((try JSONSerialization.jsonObject(with: Data(discord.body)) as? [String: Any])?["embeds"] as? [[String: Any]]).first
        let fields = embed?["fields"] as? [[String: Any]] ?? []
        let description = embed?["description"] as? String ?? ""
        let total = (embed?["title"] as? String ?? "").count + description.count
            + ((embed?["footer"] as? [String: Any])?["text"] as? String ?? "").count
            + fields.reduce(0) { $0 + ($1["name"] as? String ?? "").count + ($1["value"] as? String ?? "").count }
        #expect(total <= 6000 && description.count <= 4096, "\(total)")
        #expect(description.contains("60 of 60 with a known loss; source: llama"))
        #expect(description.contains("… and") || description.contains("left out to fit"), "top trimmed: \(description)")

        let slack = try #require(server.requests.first { $0.path == "/slack/SECRET-HOOK-PATH" })
        #expect(slack.bodyText == bodies["chat"])
        let blocks = try #require((try JSONSerialization.jsonObject(with: Data(slack.body)) as? [String: Any])?["blocks"] as? [[String: Any]])
        #expect(blocks.count <= 50)
        for block in blocks {
            if let text = (block["text"] as? [String: Any])?["text"] as? String {
                #expect(text.count <= (block["type"] as? String == "header" ? 150 : 3000), "\(block)")
            }
            for field in block["fields"] as? [[String: Any]] ?? [] { #expect((field["text"] as? String ?? "").count <= 2000) }
            #expect((block["fields"] as? [Any] ?? []).count <= 10)
        }
        let section = try #require((blocks[1]["text"] as? [String: Any])?["text"] as? String)
        #expect(section.contains("60 of 60 with a known loss; source: llama") && section.contains("by target"))
    }

    @Test func fromTheStoreNothingIsWrittenAndTheFiguresAreTheFilesOnes() throws {
        let server = try LoopbackHTTPServer { _ in .text("ok") }
        defer { server.stop() }
        let dir = try makeTemporaryDirectory("hackwatch-digest-feed")
        defer { try? FileManager.default.removeItem(at: dir) }
        let feedPath = dir.appendingPathComponent("hacks.json").path
        try Self.weekFeed.write(toFile: feedPath, atomically: true, encoding: .utf8)
        let feeds = #"[{"name": "llama", "url": "file://\#(feedPath)", "format": "defillama"}]"#
        let harness = try Harness(base: server.baseURL, feeds: feeds)
        defer { harness.clean() }
        let once = try Binary.run(["once", "--config", harness.config])
        #expect(once.status == 0, "\(once.stdout)\(once.stderr)")
        let before = try #require(try harness.stateFiles())

        let stored = try Binary.run(["preview", "--config", harness.config, "--digest", "weekly", "--at", Self.at])
        #expect(stored.status == 0, "\(stored.stderr)")
        let statePath = harness.dir.appendingPathComponent("state/hackwatch.sqlite").path
        #expect(stored.stdout.hasPrefix(Self.heading + statePath + ")\n"), "\(stored.stdout)")
        let sent = try Binary.run(["notify-test", "--config", harness.config, "--digest", "weekly", "--period-end", "2026-11-29"])
        #expect(sent.status == 0, "\(sent.stdout)\(sent.stderr)")
        // The database is only read: its file is unchanged. (A reader of a WAL database maps the
        // `-shm` index, and SQLite creates it and an empty `-wal` when they are missing.)
        let after = try #require(try harness.stateFiles())
        #expect(after["hackwatch.sqlite"] == before["hackwatch.sqlite"])
        #expect((after["hackwatch.sqlite-wal"] ?? Data()).isEmpty)
        #expect(Set(after.keys).subtracting(before.keys).isSubset(of: ["hackwatch.sqlite-wal", "hackwatch.sqlite-shm"]))
        #expect(server.requests.count == 2)

        // The stored history gives the figures the feed file gives.
        let file = try Binary.run(["preview", "--config", harness.config, "--digest", "weekly", "--at", Self.at,
                                   "--input", feedPath, "--feed", "llama"])
        #expect(file.status == 0, "\(file.stderr)")
        #expect(Self.previewBodies(stored.stdout) == Self.previewBodies(file.stdout))
        #expect(stored.stdout.contains("3 incidents from 2026-11-23..2026-11-29 (UTC): $123.5M stolen"), "\(stored.stdout)")
    }

    @Test(arguments: ["preview", "notify-test"], [
        (["--digest", "weekyl"], "Error: no digest 'weekyl' in the config; did you mean 'weekly'? (digests: weekly, big, nowhere, empty)"),
        (["--digest", "monthly"], "Error: no digest 'monthly' in the config (digests: weekly, big, nowhere, empty)"),
        (["--digest", "weekly", "--period-end", "2026-11-30"],
         "Error: digest 'weekly' has no period ending 2026-11-30 (it is sent mon 09:00, UTC); the latest period ending by then ends 2026-11-29"),
        (["--digest", "weekly", "--period-end", "last week"], "Error: --period-end: expected a date like 2026-11-29, got 'last week'"),
        (["--digest", "weekly", "--at", "tomorrow"], "Error: --at: expected a date or time like 2026-11-30T09:00:00Z, got 'tomorrow'"),
        (["--digest", "weekly", "--at", "2026-11-30", "--period-end", "2026-11-29"], "Error: give --period-end or --at, not both"),
        (["--digest", "nowhere"],
         "Error: digest 'nowhere' reaches no sink: no enabled sink it notifies (its notify, else the default sinks) takes severity info; name the sinks to use"),
        (["--period-end", "2026-11-29", "hook"], "Error: --period-end and --at choose a digest's period: give --digest NAME"),
    ])
    func badDigestOptionsAreUsageErrors(command: String, bad: (arguments: [String], expected: String)) throws {
        let (arguments, expected) = bad
        let harness = try Harness(base: "http://127.0.0.1:9")
        defer { harness.clean() }
        let input = try harness.write("week.json", Self.week)
        let result = try Binary.run([command, "--config", harness.config, "--incident", input] + arguments)
        #expect(result.status == 64, "\(result.stdout)\(result.stderr)")
        #expect(result.stderr.components(separatedBy: "\n").first == expected, "\(result.stderr)")
        #expect(result.stdout.isEmpty)
    }

    @Test(arguments: ["preview", "notify-test"])
    func anEmptyPeriodWithSkipEmptySendsNothing(command: String) throws {
        let server = try LoopbackHTTPServer { _ in .text("ok") }
        defer { server.stop() }
        let harness = try Harness(base: server.baseURL)
        defer { harness.clean() }
        let input = try harness.write("week.json", Self.week)
        let result = try Binary.run([command, "--config", harness.config, "--digest", "empty", "--incident", input, "--at", Self.at])
        #expect(result.status == 1)
        #expect(result.stderr == "hackwatch: digest 'empty' sends nothing for 2026-11-29..2026-11-29: no incidents, and it has skip_empty\n")
        #expect(server.requests.isEmpty)
    }

    @Test func withoutAStateDatabaseTheHintNamesInput() throws {
        let harness = try Harness(base: "http://127.0.0.1:9")
        defer { harness.clean() }
        let result = try Binary.run(["preview", "--config", harness.config, "--digest", "weekly"])
        #expect(result.status == 1)
        let path = harness.dir.appendingPathComponent("state/hackwatch.sqlite").path
        #expect(result.stderr == "hackwatch: no state yet (\(path) does not exist): run the daemon, or give --input FILE\n")
        #expect(try harness.stateFiles() == nil)
    }
}
