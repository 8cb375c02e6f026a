import Foundation
import Testing
import TestSupport

/// `once`, `check`, `replay` and `status` with the built binary.
@Suite struct CommandEndToEndTests {
    static let rules = "rule big {\n    when loss >= $100M\n    severity critical\n}\n"
    static let feed = [
        FeedRecord(name: "Ancient Heist", daysAgo: 900, loss: 600_000_000),
        FeedRecord(name: "Fresh Protocol", daysAgo: 1, loss: 150_000_000),
        FeedRecord(name: "Small Fry", daysAgo: 2, loss: 1_000),
    ]

    @Test func onceDeliversOnceAndNeverAgain() throws {
        let harness = try DaemonHarness(rules: Self.rules, feed: Self.feed)
        defer { harness.stopAndClean() }
        let first = try Binary.run(["once", "--config", harness.configURL.path])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(harness.deliveries.map(\.incident) == ["Fresh Protocol"])
        let second = try Binary.run(["once", "--config", harness.configURL.path])
        #expect(second.status == 0)
        #expect(harness.deliveries.count == 1)
    }

    @Test func dryRunPrintsAndWritesNothing() throws {
        let harness = try DaemonHarness(rules: Self.rules, feed: Self.feed)
        defer { harness.stopAndClean() }
        let dry = try Binary.run(["once", "--config", harness.configURL.path, "--dry-run"])
        #expect(dry.status == 0)
        #expect(dry.stdout.contains("would alert: [critical] big: Fresh Protocol ($150M, llama)"), "\(dry.stdout)")
        #expect(dry.stdout.hasSuffix("1 alerts would fire\n"))
        #expect(harness.deliveries.isEmpty)
        // Nothing was recorded: a real run still alerts (and still baselines the old one).
        let real = try Binary.run(["once", "--config", harness.configURL.path])
        #expect(real.status == 0)
        #expect(harness.deliveries.map(\.incident) == ["Fresh Protocol"])
    }

    @Test func onceExitsOneWhenAFeedFails() throws {
        let harness = try DaemonHarness(rules: Self.rules)
        defer { harness.stopAndClean() }
        harness.feedServer.setHandler { _ in .status(503) }
        let result = try Binary.run(["once", "--config", harness.configURL.path])
        #expect(result.status == 1)
        #expect(result.stderr.contains("feed=llama"))
    }

    @Test func statusShowsFeedsAndOutboxWithoutSecrets() throws {
        let harness = try DaemonHarness(rules: Self.rules, feed: Self.feed)
        defer { harness.stopAndClean() }
        let before = try Binary.run(["status", "--config", harness.configURL.path])
        #expect(before.status == 0)
        #expect(before.stdout.contains("no state yet"))
        _ = try Binary.run(["once", "--config", harness.configURL.path])
        let after = try Binary.run(["status", "--config", harness.configURL.path])
        #expect(after.status == 0)
        #expect(after.stdout.contains("  llama: ok; last poll "), "\(after.stdout)")
        #expect(after.stdout.contains("1 polls, 0 failed"))
        #expect(after.stdout.contains("incidents seen: 3"))
        #expect(after.stdout.contains("deliveries: 0 pending, 1 delivered, 0 dead"))
        #expect(!after.stdout.contains("SECRET-TOKEN") && !after.stdout.contains(harness.webhook.baseURL))
    }

    @Test func checkAcceptsTheExampleConfig() throws {
        let result = try Binary.run(["check", "--config", Binary.repoRoot.appendingPathComponent("config.example.json").path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains(": OK — 1 feeds, 1 sinks, "))
    }

    @Test func checkReportsEveryRuleError() throws {
        let harness = try DaemonHarness(rules: "rule a {\n    when los > 1\n}\nrule b {\n    when nme == \"x\"\n}\n")
        defer { harness.stopAndClean() }
        let result = try Binary.run(["check", "--config", harness.configURL.path])
        #expect(result.status == 1)
        #expect(result.stderr.contains("main.rules:2:10: error: unknown field 'los'; did you mean 'loss'?"), "\(result.stderr)")
        #expect(result.stderr.contains("main.rules:5:10: error: unknown field 'nme'; did you mean 'name'?"))
    }

    @Test func checkReportsConfigProblemsWithTheirPath() throws {
        let harness = try DaemonHarness(rules: Self.rules, extra: ", \"bogus_key\": 1")
        defer { harness.stopAndClean() }
        let result = try Binary.run(["check", "--config", harness.configURL.path])
        #expect(result.status == 1)
        #expect(result.stderr.contains("$.bogus_key"), "\(result.stderr)")
    }

    @Test func replayCountsWhatWouldHaveFired() throws {
        let harness = try DaemonHarness(rules: Self.rules + "rule any {\n    when loss > 0\n    severity info\n}\n")
        defer { harness.stopAndClean() }
        let input = harness.dir.appendingPathComponent("history.json")
        try ("[" + Self.feed.map(\.json).joined(separator: ",") + "]").write(to: input, atomically: true, encoding: .utf8)
        let all = try Binary.run(["replay", "--config", harness.configURL.path, "--input", input.path, "--format", "defillama"])
        #expect(all.status == 0, "\(all.stderr)")
        #expect(all.stdout.contains("3 incidents, 5 alerts"), "\(all.stdout)")
        #expect(all.stdout.contains("  big  2\n"))
        #expect(all.stdout.contains("  any  3"))
        let since = ISO8601DateFormatter().string(from: Date().addingTimeInterval(-10 * 86_400)).prefix(10)
        let recent = try Binary.run(["replay", "--config", harness.configURL.path, "--input", input.path,
                                     "--format", "defillama", "--since", String(since)])
        #expect(recent.stdout.contains("2 incidents, 3 alerts"), "\(recent.stdout)")
        let bad = try Binary.run(["replay", "--config", harness.configURL.path, "--input", input.path, "--since", "yesterday"])
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("--since: expected a date"))
    }
}
