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
@testable import HackWatchTemplates

/// Digests with an injected clock: one per period through the outbox to a loopback webhook and
/// a Slack-shaped receiver, one catch-up after downtime, within each platform's limits.
@Suite struct DigestDeliveryTests {
    static func at(_ text: String) -> Date { Incident.parseDate(text)! }

    /// 60 incidents in the week 2026-11-23..29 with long names and many targets, one outside it.
    static func history() -> [Incident] {
        let longName = String(repeating: "with a long name ", count: 4)
        var incidents: [Incident] = []
        for index in 0..<60 {
            let date = at("2026-11-23").addingTimeInterval(Double(index % 7) * 86_400)
            let loss: Money? = index % 10 == 9 ? nil : Money(usd: Double(index + 1) * 1_000_000)
            incidents.append(Incident(id: "h\(index)", source: "llama", name: "Protocol \(index) \(longName)", date: date,
                                      loss: loss, target: "Target type \(index)"))
        }
        incidents.append(Incident(id: "old", source: "llama", name: "Last Month", date: at("2026-10-01"), loss: Money(usd: 5e9)))
        return incidents
    }

    struct Setup {
        let fixture: PipelineFixture
        let webhook: LoopbackHTTPServer
        let slack: LoopbackHTTPServer
        let worker: OutboxWorker
        let runner: DigestRunner

        func close() { webhook.stop(); slack.stop(); fixture.close() }
    }

    static func setup(digest: String) throws -> Setup {
        let webhook = try LoopbackHTTPServer { _ in .text("ok") }
        let slack = try LoopbackHTTPServer { _ in .text("ok") }
        let sinkConfigs = [SinkConfig(name: "hook", type: "webhook", isDefault: true, url: .literal(webhook.url("/hook"))),
                           SinkConfig(name: "chat", type: "slack", isDefault: true, url: .literal(slack.url("/services/x")))]
        var fixture = try PipelineFixture(rules: "", sinks: sinkConfigs)
        let config = """
            {"sinks": [{"name": "hook", "type": "webhook", "url": "http://x"}, {"name": "chat", "type": "slack", "url": "http://x"}],
             "time_zone": "UTC", "digests": [\(digest)]}
            """
        let decoded = try HackWatchConfig.decode(Array(config.utf8), path: fixture.dir.appendingPathComponent("c.json").path)
        fixture.runtime.config.timeZone = decoded.timeZone
        fixture.runtime.config.digests = decoded.digests
        fixture.runtime.digests = try DigestPlan.plans(fixture.runtime.config)
        try fixture.store.saveIncidents(history())
        var sinks: [String: any Sink] = [:]
        for config in sinkConfigs { sinks[config.name] = try SinkFactory.make(config, environment: [:]) }
        // The worker judges expiry on the real clock; the injected one is in the past.
        var policy = RetryPolicy.default
        policy.giveUpAfter = 10 * 365 * 86_400
        let worker = OutboxWorker(store: fixture.store, sinks: sinks, policy: policy, logger: Logger(label: "test"))
        return Setup(fixture: fixture, webhook: webhook, slack: slack, worker: worker, runner: DigestRunner(store: fixture.store))
    }

    static let weekly = #"{"name": "weekly", "schedule": "mon 09:00", "window": "7d", "top": 50, "by": "target", "compare": "1y"}"#

    @Test func onePerPeriodAndOneCatchUpAfterDowntime() throws {
        let setup = try Self.setup(digest: Self.weekly)
        defer { setup.close() }
        func tick(_ now: String) throws -> [String] {
            let ids = try setup.runner.run(runtime: setup.fixture.runtime, now: Self.at(now)).map(\.id)
            _ = setup.worker.drain(now: Self.at(now).addingTimeInterval(1))
            return ids
        }
        #expect(try tick("2026-11-23T10:00:00Z") == [])  // first tick: the current period is recorded silently
        #expect(try tick("2026-11-30T08:59:59Z") == [])
        #expect(try tick("2026-11-30T09:00:00Z") == ["digest:weekly:2026-11-29"])
        #expect(try tick("2026-11-30T09:01:00Z") == [])
        #expect(try tick("2026-12-01T09:00:00Z") == [])
        // Down from 2026-12-01 to 2026-12-22: the latest missed period only.
        #expect(try tick("2026-12-22T12:00:00Z") == ["digest:weekly:2026-12-20"])
        #expect(try tick("2026-12-22T12:05:00Z") == [])
        #expect(setup.webhook.requests.count == 2)
        #expect(setup.slack.requests.count == 2)

        let first = try JSONValue.parse(setup.webhook.requests[0].body)
        #expect(first["type"]?.stringValue == "digest")
        #expect(first["delivery_id"]?.stringValue == "digest:weekly:2026-11-29")
        let message = try #require(first["message"]?.stringValue)
        #expect(message.hasPrefix("60 incidents from 2026-11-23..2026-11-29 (UTC): $1.6B stolen"))
        #expect(message.contains("54 of 60 with a known loss; source: llama"))
        #expect(!message.contains("Last Month"))
        // The later digest covers an empty week: the quiet-week message.
        let second = try JSONValue.parse(setup.webhook.requests[1].body)
        #expect(second["message"]?.stringValue?.hasPrefix("A quiet week: no incidents from 2026-12-14..2026-12-20 (UTC).") == true)

        // Slack: the section text within 3,000 characters, `top` trimmed before the breakdown.
        let slack = try JSONValue.parse(setup.slack.requests[0].body)
        let section = try #require(slack["blocks"]?.arrayValue?[1]["text"]?["text"]?.stringValue)
        #expect(section.count <= 3000)
        #expect(section.contains("54 of 60 with a known loss; source: llama"))
        #expect(section.contains("(50 left out to fit)") || section.contains("… and"))
        #expect(section.contains("by target"))
    }

    @Test func everyLayoutStaysWithinItsPlatformsLimits() throws {
        let setup = try Self.setup(digest: Self.weekly)
        defer { setup.close() }
        let plan = setup.fixture.runtime.digests[0]
        let alert = try #require(try setup.runner.alert(plan, period: plan.period(for: Self.at("2026-11-30T09:00:00Z"))!,
                                                        runtime: setup.fixture.runtime, now: Self.at("2026-11-30T09:00:00Z")))
        for type in SinkFactory.types {
            #expect(MessageTemplate.text(for: alert, sinkType: type).count <= MessageTemplate.summaryLimit(for: type), "\(type)")
        }
        // Discord: the whole embed within 6,000 characters, fields named.
        let discord = DiscordSink.payload(for: alert, username: nil)
        let embed = try #require(discord["embeds"]?.arrayValue?.first)
        let fields = embed["fields"]?.arrayValue ?? []
        let total = (embed["title"]?.stringValue?.count ?? 0) + (embed["description"]?.stringValue?.count ?? 0)
            + (embed["footer"]?["text"]?.stringValue?.count ?? 0)
            + fields.reduce(0) { $0 + ($1["name"]?.stringValue?.count ?? 0) + ($1["value"]?.stringValue?.count ?? 0) }
        #expect(total <= 6000)
        #expect(fields.compactMap { $0["name"]?.stringValue }.prefix(5) == ["Period", "Incidents", "Total loss", "Coverage", "Sources"])
        // Telegram: HTML within 4,096; Teams: the facts as a FactSet.
        let telegram = TelegramSink.payload(for: alert, chatID: .string("1"))
        #expect((telegram["text"]?.stringValue?.count ?? 0) <= 4096)
        #expect(TeamsSink.payload(for: alert, text: MessageTemplate.text(for: alert, sinkType: "teams")).serialized().contains("FactSet"))
        // PagerDuty's summary and syslog: one short text.
        #expect(MessageTemplate.text(for: alert, sinkType: "pagerduty").count <= 1024)
    }

    @Test func skipEmptySendsNothingForAnEmptyPeriod() throws {
        let setup = try Self.setup(digest: #"{"name": "daily", "schedule": "daily 08:00", "over": "loss >= $1B", "skip_empty": true}"#)
        defer { setup.close() }
        #expect(try setup.runner.run(runtime: setup.fixture.runtime, now: Self.at("2026-11-29T07:00:00Z")).isEmpty)
        #expect(try setup.runner.run(runtime: setup.fixture.runtime, now: Self.at("2026-11-29T08:00:00Z")).isEmpty)
        #expect(try setup.fixture.store.digestPeriodEnd("daily") == Self.at("2026-11-29T08:00:00Z"))
    }

    @Test(arguments: [
        (#"{"name": "w", "schedule": "someday 09:00"}"#, "$.digests[0].schedule: invalid schedule 'someday 09:00'; write 'mon 09:00' (weekly) or 'daily 09:00'"),
        (#"{"name": "w", "schedule": "mon 25:00"}"#, "$.digests[0].schedule: invalid schedule 'mon 25:00'; write 'mon 09:00' (weekly) or 'daily 09:00'"),
        (#"{"name": "w", "schedule": "mon 09:00", "colour": 1}"#, "$.digests[0].colour: unknown key"),
    ])
    func configErrors(digest: String, expected: String) throws {
        let config = #"{"digests": [\#(digest)]}"#
        #expect(throws: ConfigError.self) { try HackWatchConfig.decode(Array(config.utf8), path: "c.json") }
        do { _ = try HackWatchConfig.decode(Array(config.utf8), path: "c.json") } catch {
            #expect(error.problems.map(\.description).contains { $0.hasPrefix(expected) }, "\(error.problems)")
        }
    }

    @Test(arguments: [
        (#"{"name": "w", "schedule": "mon 09:00", "over": "los > 5"}"#, "$.digests[0].over: column 1: unknown field 'los'; did you mean 'loss'?"),
        (#"{"name": "w", "schedule": "mon 09:00", "by": "week"}"#, "$.digests[0].by: unknown breakdown 'week'; use month, quarter, year, target, classification, technique, chain, attribution, source"),
        (#"{"name": "w", "schedule": "mon 09:00", "window": "7x"}"#, "$.digests[0].window: invalid window '7x'; use 7d, 30d, 2w, mtd, qtd or ytd"),
    ])
    func planErrors(digest: String, expected: String) throws {
        let config = try HackWatchConfig.decode(Array(#"{"digests": [\#(digest)]}"#.utf8), path: "c.json")
        do {
            _ = try DigestPlan.plans(config)
            Issue.record("no error")
        } catch {
            #expect(error.lines == ["c.json: " + expected])
        }
    }
}

/// The summary variables templates may name are exactly what aggregate and digest messages set.
@Suite struct SummaryVariableTests {
    @Test func aggregateAndDigestMessagesSetEverySummaryVariable() throws {
        let loaded = RuleLoader.load(sources: [("t.rules", Array("aggregate a { window 7d when change(count, 1y) >= 0 }".utf8))], sinkNames: nil)
        let aggregate = try #require(loaded.ruleSet?.aggregates.first, "\(loaded.render())")
        let now = DigestDeliveryTests.at("2026-11-30T09:00:00Z")
        let incidents = [Incident(id: "a", source: "llama", name: "A", date: DigestDeliveryTests.at("2026-11-29"), loss: Money(usd: 5e6)),
                         Incident(id: "b", source: "llama", name: "B", date: DigestDeliveryTests.at("2025-11-29"), loss: Money(usd: 1e6))]
        let result = try #require(AggregateEvaluation.evaluate(aggregate, incidents: incidents, now: now).first)
        #expect(result.holds && result.change == 0)
        let aggregateAlert = AggregateMessage.alert(aggregate, group: result, episode: 1, now: now)
        #expect(aggregateAlert.id == "aggregate:a:all:1")
        let report = StatsReport.make(StatsQuery(period: StatsPeriod.window("7d", now: now)!, compare: StatsShift("1y")), incidents: incidents)
        let digestAlert = try #require(DigestMessage.alert(digest: "weekly", report: report, severity: .info, skipEmpty: false, now: now))
        let keys = Set(MessageTemplate.variables(for: aggregateAlert).keys).union(MessageTemplate.variables(for: digestAlert).keys)
        #expect(Set(MessageTemplate.summaryVariableNames).isSubset(of: keys))
        #expect(keys.isSubset(of: Set(MessageTemplate.variableNames)))
        #expect(MessageTemplate.render("{{count}} in {{window_label}}: {{sum_loss_human}} ({{change_pct}}, {{coverage_pct}} known){{#top}} {{name}}{{/top}}",
                                       alert: aggregateAlert) == "1 in 7d (2026-11-24..2026-11-30): $5M (+0%, 100% known) A")
    }
}
