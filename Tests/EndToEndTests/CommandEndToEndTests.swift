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
        // Not even an empty database or state folder is left behind.
        #expect(!FileManager.default.fileExists(atPath: harness.dir.appendingPathComponent("state").path))
        // Nothing was recorded: a real run still alerts (and still baselines the old one).
        let real = try Binary.run(["once", "--config", harness.configURL.path])
        #expect(real.status == 0)
        #expect(harness.deliveries.map(\.incident) == ["Fresh Protocol"])
    }

    /// `once` makes one attempt per delivery; what failed stays in the outbox and is said so.
    @Test func onceReportsDeliveriesLeftPendingAndTheNextOnceSendsThem() throws {
        let fresh = [FeedRecord(name: "First Hack", daysAgo: 1, loss: 300_000_000), FeedRecord(name: "Second Hack", daysAgo: 1, loss: 400_000_000)]
        let harness = try DaemonHarness(rules: Self.rules, feed: fresh)
        defer { harness.stopAndClean() }
        harness.setWebhookMode(.firstSlowThenFail(delay: 0))
        let first = try Binary.run(["once", "--config", harness.configURL.path])
        #expect(first.status == 2, "pending is exit status 2: \(first.stderr)")
        #expect(harness.acknowledged.count == 1)
        #expect(first.stderr.contains("deliveries still pending; the next once or run retries them pending=1"), "\(first.stderr)")
        harness.setWebhookMode(.ok)
        usleep(2_500_000)  // past the first retry delay
        let second = try Binary.run(["once", "--config", harness.configURL.path])
        #expect(second.status == 0)
        #expect(!second.stderr.contains("still pending"), "\(second.stderr)")
        #expect(harness.acknowledged.count == 2)
    }

    /// `once` (cron, systemd timers) keeps `metrics_textfile` current too, readable by node_exporter
    /// (another user) even under the service's UMask=0077.
    @Test func onceWritesAWorldReadableMetricsTextfile() throws {
        let harness = try DaemonHarness(rules: Self.rules, feed: Self.feed)
        defer { harness.stopAndClean() }
        let result = try runProcess("/bin/sh", ["-c", "umask 077; exec \"$0\" once --config \"$1\"", Binary.path, harness.configURL.path])
        #expect(result.status == 0, "\(result.stderr)")
        let metrics = harness.dir.appendingPathComponent("metrics.prom").path
        let text = try String(contentsOfFile: metrics, encoding: .utf8)
        #expect(text.contains("hackwatch_feed_polls_total{feed=\"llama\"} 1\n"), "\(text)")
        #expect(text.contains("hackwatch_incidents_seen 3\n"))
        #expect(text.contains("hackwatch_alerts{state=\"delivered\"} 1\n"))
        let mode = try #require(try FileManager.default.attributesOfItem(atPath: metrics)[.posixPermissions] as? Int)
        #expect(mode == 0o644)
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

    /// Without `state_dir`, a shell (no STATE_DIRECTORY) looks beside the config, not where the
    /// systemd service keeps its database: `status` says how to look there.
    @Test func statusWithoutStateDirPointsAtTheServiceStateDirectory() throws {
        let dir = try makeTemporaryDirectory("hackwatch-status")
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("rules"), withIntermediateDirectories: true)
        try Self.rules.write(to: dir.appendingPathComponent("rules/main.rules"), atomically: true, encoding: .utf8)
        let config = dir.appendingPathComponent("config.json")
        try #"{"feeds": [], "sinks": []}"#.write(to: config, atomically: true, encoding: .utf8)
        var environment = ProcessInfo.processInfo.environment
        environment["STATE_DIRECTORY"] = nil
        let shell = try Binary.run(["status", "--config", config.path], environment: environment)
        #expect(shell.status == 0)
        #expect(shell.stdout.contains("no state yet (\(dir.appendingPathComponent("state/hackwatch.sqlite").standardizedFileURL.path) does not exist)"), "\(shell.stdout)")
        #expect(shell.stdout.contains("sudo STATE_DIRECTORY=/var/lib/hackwatch hackwatch status --config \(config.path)"))
        environment["STATE_DIRECTORY"] = dir.appendingPathComponent("svc").path
        let service = try Binary.run(["status", "--config", config.path], environment: environment)
        #expect(service.stdout.contains("svc/hackwatch.sqlite does not exist"), "\(service.stdout)")
        #expect(!service.stdout.contains("STATE_DIRECTORY="))
    }

    /// A HACKWATCH_LOG_LEVEL naming no level is reported and ignored; `log_level` still applies.
    @Test func invalidLogLevelVariableIsReportedAndLogLevelStillApplies() throws {
        let dir = try makeTemporaryDirectory("hackwatch-loglevel")
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("rules"), withIntermediateDirectories: true)
        try Self.rules.write(to: dir.appendingPathComponent("rules/main.rules"), atomically: true, encoding: .utf8)
        try "[]".write(to: dir.appendingPathComponent("feed.json"), atomically: true, encoding: .utf8)
        let config = dir.appendingPathComponent("config.json")
        try #"{"log_level": "warning", "feeds": [{"name": "f", "url": "\#(dir.appendingPathComponent("feed.json").absoluteString)", "format": "defillama"}], "sinks": []}"#
            .write(to: config, atomically: true, encoding: .utf8)
        var environment = ProcessInfo.processInfo.environment
        environment["HACKWATCH_LOG_LEVEL"] = "loud"
        let result = try Binary.run(["once", "--config", config.path], environment: environment)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("WARNING hackwatch: HACKWATCH_LOG_LEVEL 'loud' is not one of trace, debug, info, notice, warning, error, critical; ignored"), "\(result.stderr)")
        #expect(!result.stderr.contains("feed polled"), "log_level warning hides info lines")
    }

    @Test func checkAcceptsTheExampleConfig() throws {
        let result = try Binary.run(["check", "--config", Binary.repoRoot.appendingPathComponent("config.example.json").path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains(": OK — 8 feeds, 1 sinks, "))  // nine presets, defi-rekt disabled (needs a key)
    }

    @Test func checkReportsEveryRuleError() throws {
        let harness = try DaemonHarness(rules: "rule a {\n    when los > 1\n}\nrule b {\n    when nme == \"x\"\n}\n")
        defer { harness.stopAndClean() }
        let result = try Binary.run(["check", "--config", harness.configURL.path])
        #expect(result.status == 1)
        #expect(result.stderr.contains("main.rules:2:10: error: unknown field 'los'; did you mean 'loss'?"), "\(result.stderr)")
        #expect(result.stderr.contains("main.rules:5:10: error: unknown field 'nme'; did you mean 'name'?"))
    }

    @Test func checkRejectsAMisspelledTemplateVariable() throws {
        let harness = try DaemonHarness(rules: "rule a {\n    when true\n    message \"{{name}} on {{chain}}\"\n}\n")
        defer { harness.stopAndClean() }
        let result = try Binary.run(["check", "--config", harness.configURL.path])
        #expect(result.status == 1)
        #expect(result.stderr.contains("unknown variable 'chain' at line 1, column 13; did you mean 'chains'?"), "\(result.stderr)")
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
        #expect(all.stdout.contains("3 incidents, 5 alerts (rule matches)"), "\(all.stdout)")
        #expect(all.stdout.contains("  big  2\n"))
        #expect(all.stdout.contains("  any  3"))
        let since = ISO8601DateFormatter().string(from: Date().addingTimeInterval(-10 * 86_400)).prefix(10)
        let recent = try Binary.run(["replay", "--config", harness.configURL.path, "--input", input.path,
                                     "--format", "defillama", "--since", String(since)])
        #expect(recent.stdout.contains("2 incidents, 3 alerts (rule matches)"), "\(recent.stdout)")
        let bad = try Binary.run(["replay", "--config", harness.configURL.path, "--input", input.path, "--since", "yesterday"])
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("--since: expected a date"))
    }
}
