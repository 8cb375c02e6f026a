import Foundation
import Testing
import TestSupport

/// Issue 14: `hackwatch silence` against a running `hackwatch run` (the real binary, a loopback
/// feed and webhook), and `status` showing what was silenced.
@Suite(.serialized) struct SilenceEndToEndTests {
    static let anyLoss = "rule big {\n    when loss >= $1M\n    severity high\n}\n"

    static func hackwatch(_ harness: DaemonHarness, _ arguments: [String]) throws -> Binary.Result {
        try Binary.run([arguments[0], arguments[1], "--config", harness.configURL.path] + arguments.dropFirst(2))
    }

    static func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test func silenceAddedWhileRunningStopsTheNextMatchingAlertAndExpiryRestoresDelivery() throws {
        let harness = try DaemonHarness(rules: Self.anyLoss, feed: [])
        defer { harness.stopAndClean() }
        try harness.start()
        #expect(harness.waitForPolls(2))

        let add = try Self.hackwatch(harness, ["silence", "add", "--match", #"name contains "bridge""#, "--for", "1h",
                                               "--comment", "known: the Nomad incident", "--author", "alice"])
        #expect(add.status == 0, "\(add.stderr)")
        let id = add.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(id.count == 36)

        // Within one poll: the bridge is silenced, the other incident delivered.
        let nomad = FeedRecord(name: "Nomad Bridge", daysAgo: 0, loss: 190_000_000)
        let curve = FeedRecord(name: "Curve Pool", daysAgo: 0, loss: 60_000_000)
        harness.setFeed([nomad, curve])
        #expect(harness.waitForDeliveries(1))
        #expect(harness.waitForPolls(harness.feedServer.requests.count + 2))
        #expect(harness.deliveries.map(\.incident) == ["Curve Pool"])

        let status = try Self.json(try Self.hackwatch(harness, ["status", "--json"]).stdout)
        let sinks = try #require(status["sinks"] as? [[String: Any]])
        #expect(sinks.first?["name"] as? String == "hook")
        #expect(sinks.first?["silenced"] as? Int == 1 && sinks.first?["pending"] as? Int == 0)
        let silences = try #require(status["silences"] as? [[String: Any]])
        #expect(silences.map { $0["id"] as? String } == [id])
        #expect(silences.first?["created_by"] as? String == "alice")
        let text = try Binary.run(["status", "--config", harness.configURL.path]).stdout
        #expect(text.contains("hook: 0 pending, 0 held, 1 silenced, 0 dead"), "\(text)")
        #expect(text.contains("silences (1 active):"))

        let list = try Self.hackwatch(harness, ["silence", "list"])
        #expect(list.stdout.hasPrefix("ID  "), "\(list.stdout)")
        #expect(list.stdout.contains(id) && list.stdout.contains("known: the Nomad incident") && list.stdout.contains(#"name contains "bridge""#))

        // Expired: the next matching incident is delivered; the silenced one is not sent back.
        let expire = try Self.hackwatch(harness, ["silence", "expire", String(id.prefix(8))])
        #expect(expire.status == 0 && expire.stdout == "\(id): expired\n", "\(expire.stdout)\(expire.stderr)")
        let wormhole = FeedRecord(name: "Wormhole Bridge", daysAgo: 0, loss: 320_000_000)
        harness.setFeed([nomad, curve, wormhole])
        #expect(harness.waitForDeliveries(2))
        #expect(harness.waitForPolls(harness.feedServer.requests.count + 2))
        #expect(harness.deliveries.map(\.incident) == ["Curve Pool", "Wormhole Bridge"])
        #expect(try Self.hackwatch(harness, ["silence", "list"]).stdout == "no active silences\n")

        // Asked for: `--release` sends what the silence kept back.
        let release = try Self.hackwatch(harness, ["silence", "expire", id, "--release"])
        #expect(release.stdout == "\(id): already expired; 1 silenced deliveries released\n", "\(release.stdout)\(release.stderr)")
        // The daemon's outbox pass runs at least once a minute; a new alert starts one at once.
        harness.setFeed([nomad, curve, wormhole, FeedRecord(name: "Radiant Capital", daysAgo: 0, loss: 50_000_000)])
        #expect(harness.waitForDeliveries(4))
        #expect(Set(harness.deliveries.map(\.incident)) == ["Curve Pool", "Wormhole Bridge", "Nomad Bridge", "Radiant Capital"])
        #expect(harness.deliveries.count == 4)

        harness.signal(SIGTERM)
        #expect(harness.waitForExit() == 0)
        #expect(harness.stderr.contains("delivery silenced"))
    }

    @Test(arguments: [
        (#"loss >= "x""#, "--match:1:1: error: cannot compare money with string\nloss >= \"x\"\n^~~~~~~~~~~\n"),
        ("los > $1M", "--match:1:1: error: unknown field 'los'; did you mean 'loss'?\nlos > $1M\n^~~\n"),
    ])
    func badSilenceExpressionGivesACompilerFormError(match: String, message: String) throws {
        let harness = try DaemonHarness(rules: Self.anyLoss, feed: [])
        defer { harness.stopAndClean() }
        let result = try Self.hackwatch(harness, ["silence", "add", "--match", match, "--for", "1h", "--comment", "x"])
        #expect(result.status == 1)
        #expect(result.stderr == message)
        #expect(!FileManager.default.fileExists(atPath: harness.databasePath), "a refused silence must not create state")
    }

    @Test(arguments: [
        (["--match", "bridge", "--comment", "x"], "Error: give exactly one of --for DURATION or --until DATE"),
        (["--match", "bridge", "--for", "soon", "--comment", "x"], "Error: --for: expected a duration such as 2h, 1d or 1w, got 'soon'"),
        (["--match", "bridge", "--until", "2001-01-01T00:00:00Z", "--comment", "x"], "--until: 2001-01-01T00:00:00Z is in the past"),
        (["--match", "bridge", "--for", "1h", "--comment", "x", "--sink", "hok"], "--sink: no sink named 'hok' in"),
    ])
    func badSilenceOptionsAreRefused(arguments: [String], message: String) throws {
        let harness = try DaemonHarness(rules: Self.anyLoss, feed: [])
        defer { harness.stopAndClean() }
        let result = try Self.hackwatch(harness, ["silence", "add"] + arguments)
        #expect(result.status == 64)
        #expect(result.stderr.contains(message), "\(result.stderr)")
    }

    /// `check` validates `time_intervals`: every problem with its path, rule names against the rules files.
    @Test func checkReportsBadMuteWindows() throws {
        let bad = #", "time_intervals": [{"name": "n", "location": "Mars/Olympus", "sinks": ["hok"]}]"#
        let harness = try DaemonHarness(rules: Self.anyLoss, extra: bad)
        defer { harness.stopAndClean() }
        let result = try Binary.run(["check", "--config", harness.configURL.path])
        #expect(result.status == 1)
        #expect(result.stderr.contains("$.time_intervals[0].location: unknown time zone 'Mars/Olympus'"), "\(result.stderr)")
        #expect(result.stderr.contains("$.time_intervals[0].sinks[0]: unknown sink 'hok'; did you mean 'hook'?"), "\(result.stderr)")

        let unknownRule = #", "time_intervals": [{"name": "n", "mode": "hold", "rules": ["bgi"], "location": "Europe/Berlin"}]"#
        let second = try DaemonHarness(rules: Self.anyLoss, extra: unknownRule)
        defer { second.stopAndClean() }
        let refused = try Binary.run(["check", "--config", second.configURL.path])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("$.time_intervals[0].rules[0]: unknown rule 'bgi' (no rules file defines it)"), "\(refused.stderr)")
    }
}
