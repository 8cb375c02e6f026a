import Foundation
import Logging
import Testing
import TestSupport
@testable import HackWatchConfiguration
@testable import HackWatchDaemon
@testable import HackWatchModel
@testable import HackWatchNotify
@testable import HackWatchRules
@testable import HackWatchStats
@testable import HackWatchStore

/// `DigestPreview`: which period `preview`/`notify-test --digest` render, the exact errors, and
/// a test send that leaves the outbox and the recorded period alone, so the daemon still
/// delivers the real digest of that period once.
@Suite struct DigestPreviewTests {
    static func at(_ text: String) -> Date { Incident.parseDate(text)! }

    static func runtime(_ digests: String, zone: String = "UTC", sinks: [SinkConfig]? = nil) throws -> DaemonRuntime {
        let text = """
            {"sinks": [{"name": "hook", "type": "webhook", "url": "http://127.0.0.1:9/hook", "default": true},
                       {"name": "off", "type": "webhook", "url": "http://127.0.0.1:9/off", "enabled": false}],
             "time_zone": "\(zone)", "digests": [\(digests)]}
            """
        let config = try HackWatchConfig.decode(Array(text.utf8), path: "c.json")
        var runtime = DaemonRuntime(config: config, ruleSet: RuleSet(rules: []), sinkConfigs: sinks ?? config.sinks)
        if let sinks { runtime.config.sinks = sinks }
        runtime.digests = try DigestPlan.plans(config)
        return runtime
    }

    static let weekly = #"{"name": "weekly", "schedule": "mon 09:00", "window": "7d"}"#

    @Test(arguments: [
        // The latest scheduled send at or before the instant: its period ends the day before.
        (weekly, "UTC", DigestPreview.PeriodChoice.at(at("2026-11-30T10:00:00Z")), "2026-11-23..2026-11-29", "2026-11-30T09:00:00Z"),
        (weekly, "UTC", .at(at("2026-11-30T08:59:59Z")), "2026-11-16..2026-11-22", "2026-11-23T09:00:00Z"),
        (weekly, "UTC", .at(at("2026-12-02T02:00:00Z")), "2026-11-23..2026-11-29", "2026-11-30T09:00:00Z"),
        (weekly, "UTC", .periodEnd(at("2026-11-29")), "2026-11-23..2026-11-29", "2026-11-30T09:00:00Z"),
        (weekly, "UTC", .periodEnd(at("2026-11-22T15:00:00Z")), "2026-11-16..2026-11-22", "2026-11-23T09:00:00Z"),
        // Monday 08:00 in Tokyo is Sunday 23:00 UTC: the period ends on the Saturday.
        (weekly.replacingOccurrences(of: "09:00", with: "08:00"), "Asia/Tokyo", .periodEnd(at("2026-11-28")), "2026-11-22..2026-11-28", "2026-11-29T23:00:00Z"),
        (#"{"name": "daily", "schedule": "daily 08:00"}"#, "UTC", .periodEnd(at("2026-11-29")), "2026-11-29..2026-11-29", "2026-11-30T08:00:00Z"),
        (#"{"name": "mtd", "schedule": "daily 06:00", "window": "mtd"}"#, "UTC", .at(at("2026-12-01T07:00:00Z")), "2026-11-01..2026-11-30", "2026-12-01T06:00:00Z"),
    ])
    func periodChoices(digest: String, zone: String, choice: DigestPreview.PeriodChoice, label: String, sent: String) throws {
        let runtime = try Self.runtime(digest, zone: zone)
        let chosen = try DigestPreview.period(runtime.digests[0], choice: choice, zone: runtime.config.timeZone)
        #expect(chosen.period.label == label)
        #expect(Incident.formatDate(chosen.sentAt) == sent)
    }

    @Test(arguments: [
        ("weekyl", nil, "no digest 'weekyl' in the config; did you mean 'weekly'? (digests: weekly, quiet)"),
        ("yearly", nil, "no digest 'yearly' in the config (digests: weekly, quiet)"),
        ("weekly", "2026-11-30", "digest 'weekly' has no period ending 2026-11-30 (it is sent mon 09:00, Europe/Paris); the latest period ending by then ends 2026-11-29"),
        ("quiet", nil, "digest 'quiet' reaches no sink: no enabled sink it notifies (its notify, else the default sinks) takes severity info; name the sinks to use"),
    ] as [(String, String?, String)])
    func errors(name: String, periodEnd: String?, expected: String) throws {
        let runtime = try Self.runtime(Self.weekly + #", {"name": "quiet", "schedule": "daily 08:00", "notify": ["off"]}"#, zone: "Europe/Paris")
        do {
            let plan = try DigestPreview.plan(name, runtime: runtime)
            if let periodEnd { _ = try DigestPreview.period(plan, choice: .periodEnd(Self.at(periodEnd)), zone: runtime.config.timeZone) }
            _ = try DigestPreview.sinks(plan, runtime: runtime)
            Issue.record("no error")
        } catch {
            #expect(error.description == expected)
        }
    }

    @Test func aTestSendLeavesTheOutboxAndTheRealDigestIsStillDeliveredOnce() throws {
        let webhook = try LoopbackHTTPServer { _ in .text("ok") }
        defer { webhook.stop() }
        let sinks = [SinkConfig(name: "hook", type: "webhook", isDefault: true, url: .literal(webhook.url("/hook")))]
        var fixture = try PipelineFixture(rules: "", sinks: sinks)
        defer { fixture.close() }
        let decoded = try HackWatchConfig.decode(Array(#"{"digests": [\#(Self.weekly)]}"#.utf8), path: "c.json")
        fixture.runtime.config.digests = decoded.digests
        fixture.runtime.digests = try DigestPlan.plans(fixture.runtime.config)
        try fixture.store.saveIncidents(DigestDeliveryTests.history())
        let runner = DigestRunner(store: fixture.store)
        #expect(try runner.run(runtime: fixture.runtime, now: Self.at("2026-11-24T10:00:00Z")).isEmpty)  // recorded silently
        let recorded = try fixture.store.digestPeriodEnd("weekly")

        // What `notify-test --digest weekly` does, on the day the period ends.
        let plan = try DigestPreview.plan("weekly", runtime: fixture.runtime)
        let chosen = try DigestPreview.period(plan, choice: .periodEnd(Self.at("2026-11-29")), zone: fixture.runtime.config.timeZone)
        let digest = try #require(try runner.alert(plan, period: chosen.period, runtime: fixture.runtime, now: chosen.sentAt))
        var lines: [String] = []
        let status = try NotifyTest.run(sinks: try DigestPreview.sinks(plan, runtime: fixture.runtime).map(\.name),
                                        config: fixture.runtime.config, retries: 0, environment: [:], print: { lines.append($0) }) {
            NotifyTest.alert(forDigest: digest, now: Self.at("2026-11-29T12:00:00Z"))
        }
        #expect(status == 0 && lines == ["hook (webhook): delivered — HTTP 200: ok"])
        #expect(try fixture.outbox().isEmpty)
        #expect(try fixture.store.digestPeriodEnd("weekly") == recorded)

        // The scheduled send still puts the real digest in the outbox, and it is delivered once.
        #expect(try runner.run(runtime: fixture.runtime, now: Self.at("2026-11-30T09:00:00Z")).map(\.id) == ["digest:weekly:2026-11-29"])
        var policy = RetryPolicy.default
        policy.giveUpAfter = 10 * 365 * 86_400
        let worker = OutboxWorker(store: fixture.store, sinks: ["hook": try SinkFactory.make(sinks[0], environment: [:])],
                                  policy: policy, logger: Logger(label: "test"))
        _ = worker.drain(now: Self.at("2026-11-30T09:00:01Z"))
        #expect(try runner.run(runtime: fixture.runtime, now: Self.at("2026-11-30T10:00:00Z")).isEmpty)
        _ = worker.drain(now: Self.at("2026-11-30T10:00:01Z"))
        #expect(webhook.requests.map { $0.header("webhook-id")?.hasPrefix("notify-test-") == true } == [true, false])
        #expect(webhook.requests.last?.header("webhook-id") == "digest:weekly:2026-11-29")
        // The same message: only the ids differ.
        let test = webhook.requests[0].bodyText, real = webhook.requests[1].bodyText
        let testID = try #require(webhook.requests[0].header("webhook-id"))
        #expect(test.replacingOccurrences(of: testID, with: "digest:weekly:2026-11-29") == real)
    }
}
