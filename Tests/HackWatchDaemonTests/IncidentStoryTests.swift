import Foundation
import Testing
import TestSupport
@testable import HackWatchConfiguration
@testable import HackWatchDaemon
@testable import HackWatchFeeds
@testable import HackWatchModel
@testable import HackWatchRules
@testable import HackWatchStore

/// One story per hack (issue 11): grouping, lifecycle updates, late and renamed reports.
@Suite struct IncidentStoryTests {
    static let rules = """
        rule mega { when loss >= $100M
            severity critical
            message "MEGA {{name}}" }
        rule bridge { when bridge
            severity high }
        rule keys { when technique contains "key"
            severity high }
        """

    static func bridgeHack(loss: Double = 540e6, daysAgo: Double = 1) -> Incident {
        var ronin = incident("Ronin Bridge", daysAgo: daysAgo, loss: loss)
        ronin.bridge = true
        ronin.technique = "Private Key Compromised"
        return ronin
    }

    @Test func everyMatchingRuleIsOneMessagePerSinkAtTheHighestSeverity() throws {
        let sinks = [SinkConfig(name: "chat", type: "stdout", isDefault: true), SinkConfig(name: "pager", type: "stdout", isDefault: true)]
        let fixture = try PipelineFixture(rules: Self.rules, sinks: sinks)
        defer { fixture.close() }
        let stats = try IncidentPipeline(store: fixture.store).process([Self.bridgeHack()], feed: feedConfig(), firstPoll: false,
                                                                      runtime: fixture.runtime, now: now)
        #expect(stats.alerts.count == 1)
        let alert = try #require(stats.alerts.first)
        #expect(alert.rules == ["mega", "bridge", "keys"])
        #expect(alert.rule == "mega" && alert.severity == .critical && alert.template == "MEGA {{name}}")
        #expect(try fixture.outbox() == ["mega:Ronin Bridge->chat", "mega:Ronin Bridge->pager"])
        // The (incident, rule) pairs are all recorded: none of them fires again.
        for rule in ["mega", "bridge", "keys"] {
            #expect(try fixture.store.hasFired(alertID: Alert.makeID(incidentID: "ronin bridge", source: "llama", rule: rule)))
        }
    }

    @Test func sinksRoutedByDifferentRulesNameOnlyTheirRules() throws {
        let sinks = [SinkConfig(name: "chat", type: "stdout", isDefault: true), SinkConfig(name: "pager", type: "stdout")]
        let rules = "rule mega { when loss >= $100M\n severity critical\n notify pager, chat }\nrule bridge { when bridge\n severity high }\n"
        let fixture = try PipelineFixture(rules: rules, sinks: sinks)
        defer { fixture.close() }
        let stats = try IncidentPipeline(store: fixture.store).process([Self.bridgeHack()], feed: feedConfig(), firstPoll: false,
                                                                      runtime: fixture.runtime, now: now)
        #expect(Set(stats.alerts.map(\.rules)) == [["mega", "bridge"], ["mega"]])
        #expect(Set(stats.alerts.map(\.id)).count == 1)  // one revision, one id, two messages
        #expect(try fixture.outbox().sorted() == ["mega:Ronin Bridge->chat", "mega:Ronin Bridge->pager"])
    }

    @Test(arguments: [
        // (what changed, expected change summaries; nil: no update)
        ("loss +5%", ["loss"], 567e6, nil, nil, [String]?.none),
        ("loss +15%", ["loss"], 624e6, nil, nil, ["loss $540M → $624M"]),
        ("returned appears", ["returned"], 540e6, 30e6, nil, ["returned: $30M"]),
        ("attribution appears", ["attribution"], 540e6, nil, "Lazarus Group", ["attribution: Lazarus Group"]),
    ] as [(String, [String], Double, Double?, String?, [String]?)])
    func lifecycleChangesAreUpdates(label: String, fields: [String], loss: Double, returned: Double?, attribution: String?,
                                    expected: [String]?) throws {
        let fixture = try PipelineFixture(rules: Self.rules)
        defer { fixture.close() }
        let pipeline = IncidentPipeline(store: fixture.store)
        let first = try pipeline.process([Self.bridgeHack()], feed: feedConfig(), firstPoll: false, runtime: fixture.runtime, now: now)
        var revised = Self.bridgeHack(loss: loss)
        revised.returned = returned.map { Money(usd: $0) }
        revised.attribution = attribution
        let second = try pipeline.process([revised], feed: feedConfig(), firstPoll: false, runtime: fixture.runtime, now: now)
        #expect(second.alerts.first?.changes.map(\.summary) == expected, "\(label)")
        if expected != nil {
            #expect(second.alerts.map(\.revision) == [1] && second.alerts.first?.story == first.alerts.first?.story)
            #expect(second.alerts.first?.storyHeadline == "[CRITICAL] Ronin Bridge: $540M stolen")
        }
        // Delivered once: the same facts again are no news.
        let third = try pipeline.process([revised], feed: feedConfig(), firstPoll: false, runtime: fixture.runtime, now: now)
        #expect(third.alerts.isEmpty)
    }

    @Test func aRuleMatchingLaterIsAnUpdateNamingIt() throws {
        let fixture = try PipelineFixture(rules: Self.rules)
        defer { fixture.close() }
        let pipeline = IncidentPipeline(store: fixture.store)
        var plain = incident("Drift", loss: 20e6)
        _ = try pipeline.process([plain], feed: feedConfig(), firstPoll: false, runtime: fixture.runtime, now: now)
        plain.bridge = true
        let first = try pipeline.process([plain], feed: feedConfig(), firstPoll: false, runtime: fixture.runtime, now: now)
        #expect(first.alerts.map(\.revision) == [0] && first.alerts.first?.rules == ["bridge"])
        plain.technique = "Private Key Compromised"
        let update = try pipeline.process([plain], feed: feedConfig(), firstPoll: false, runtime: fixture.runtime, now: now)
        #expect(update.alerts.map(\.revision) == [1])
        #expect(update.alerts.first?.changes.map(\.summary) == ["rules bridge → bridge, keys"])
        #expect(update.alerts.first?.rules == ["bridge", "keys"])
    }

    @Test func rulesCanTestUpdatesAndPreviousLoss() throws {
        let rules = """
            rule big { when loss >= $100M and not update }
            rule doubled { when update and "loss" in change and loss > $400M and previous_loss < $250M }
            """
        let fixture = try PipelineFixture(rules: rules)
        defer { fixture.close() }
        let pipeline = IncidentPipeline(store: fixture.store)
        _ = try pipeline.process([incident("Ronin", loss: 200e6)], feed: feedConfig(), firstPoll: false, runtime: fixture.runtime, now: now)
        let small = try pipeline.process([incident("Ronin", loss: 300e6)], feed: feedConfig(), firstPoll: false, runtime: fixture.runtime, now: now)
        #expect(small.alerts.isEmpty)  // +50%: news, but no rule wants it
        let large = try pipeline.process([incident("Ronin", loss: 500e6)], feed: feedConfig(), firstPoll: false, runtime: fixture.runtime, now: now)
        #expect(large.alerts.map(\.rules) == [["doubled"]])
        #expect(large.alerts.first?.changes.map(\.summary) == ["loss $200M → $500M", "rules big → big, doubled"])
    }

    /// A late, renamed report (rekt's name, 20 days after the hack): merged into the known
    /// incident, at most one update — never a second page.
    @Test func lateRenamedReportIsOneUpdate() throws {
        let fixture = try PipelineFixture(rules: Self.rules)
        defer { fixture.close() }
        let pipeline = IncidentPipeline(store: fixture.store)
        let hack = Self.bridgeHack(loss: 624e6, daysAgo: 25)
        let llama = try pipeline.process([hack], feed: feedConfig(), firstPoll: false, runtime: fixture.runtime,
                                         now: now.addingTimeInterval(-24 * 86_400))
        #expect(llama.alerts.count == 1)
        let rekt = Incident(id: "ronin-rekt", source: "rekt", name: "Ronin Network - REKT", date: now.addingTimeInterval(-19 * 86_400),
                            loss: Money(usd: 624e6))
        let late = try pipeline.process([rekt], feed: feedConfig("rekt"), firstPoll: false, runtime: fixture.runtime, now: now)
        #expect(late.alerts.map(\.revision) == [1])
        #expect(late.alerts.first?.changes.map(\.summary) == ["sources llama → llama, rekt"])
        let again = try pipeline.process([rekt], feed: feedConfig("rekt"), firstPoll: false, runtime: fixture.runtime, now: now)
        #expect(again.alerts.isEmpty)
    }

    @Test func lateReportOfNothingKnownIsHistoryUnlessConfigured() throws {
        for alertLate in [false, true] {
            var fixture = try PipelineFixture(rules: Self.rules)
            defer { fixture.close() }
            fixture.runtime.config.alertLateReports = alertLate
            let old = Incident(id: "x", source: "rekt", name: "Unknown - REKT", date: now.addingTimeInterval(-30 * 86_400),
                               loss: Money(usd: 300e6))
            let stats = try IncidentPipeline(store: fixture.store).process([old], feed: feedConfig("rekt"), firstPoll: false,
                                                                          runtime: fixture.runtime, now: now)
            #expect(stats.alerts.count == (alertLate ? 1 : 0))
            #expect(stats.baselined == (alertLate ? 0 : 1))
        }
    }

    /// Issue 11's measure: the shipped rules on DefiLlama since 2022 send one message per
    /// incident per sink (97 for 97 incidents, not one per matching rule: 138).
    @Test(.enabled(if: SharedFeeds.defiLlamaSnapshot != nil, "shared/feeds DefiLlama snapshot not found"))
    func shippedRulesOnTheSnapshotSendOneMessagePerIncidentPerSink() throws {
        let rules = try String(contentsOf: SharedFeeds.repositoryRoot.appendingPathComponent("rules/default.rules"), encoding: .utf8)
        let sinks = [SinkConfig(name: "chat", type: "stdout", isDefault: true), SinkConfig(name: "pager", type: "stdout", isDefault: true)]
        let fixture = try PipelineFixture(rules: rules, sinks: sinks)
        defer { fixture.close() }
        let feed = FeedConfig(name: "defillama", url: "file:///dev/null", format: .defillama)
        let parsed = try FeedParser.parse(SharedFeeds.defiLlamaSnapshot ?? [], config: feed)
        let since = try #require(Incident.parseDate("2022-01-01"))
        let recent = parsed.incidents.filter { ($0.date ?? .distantPast) >= since }.sorted { $0.date! < $1.date! }
        var ruleMatches = 0
        let pipeline = IncidentPipeline(store: fixture.store)
        for hack in recent {
            ruleMatches += fixture.runtime.ruleSet.matches(hack, now: hack.date!).count
            _ = try pipeline.process([hack], feed: feed, firstPoll: false, runtime: fixture.runtime, now: hack.date!)
        }
        let rows = try fixture.store.pendingDeliveries(limit: 10_000)
        let stories = Set(rows.map(\.alert.story))
        #expect(ruleMatches == 138)
        #expect(stories.count == 97)
        for sink in ["chat", "pager"] { #expect(rows.filter { $0.sink == sink }.count == 97) }
        #expect(rows.allSatisfy { $0.alert.revision == 0 })
        let ronin = try #require(rows.first { $0.alert.incident.name == "Ronin Bridge" && $0.sink == "chat" })
        #expect(ronin.alert.rules == ["mega_hack", "bridge_hack", "private_key_compromise"] && ronin.alert.severity == .critical)
    }
}
