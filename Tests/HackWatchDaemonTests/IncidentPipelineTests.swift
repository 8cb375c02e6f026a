import Foundation
import Testing
@testable import HackWatchConfiguration
@testable import HackWatchDaemon
@testable import HackWatchModel

@Suite struct IncidentPipelineTests {
    static let rules = "rule big {\n    when loss >= $100M\n    severity critical\n}\nrule updated {\n    when update\n    severity low\n}\n"

    @Test func newIncidentFiresOnceAcrossPolls() throws {
        let fixture = try PipelineFixture(rules: Self.rules)
        defer { fixture.close() }
        let pipeline = IncidentPipeline(store: fixture.store)
        let batch = [incident("Ronin", loss: 600e6), incident("Tiny", loss: 10)]
        let first = try pipeline.process(batch, feed: feedConfig(), firstPoll: true, runtime: fixture.runtime, now: now)
        #expect(first.new == 2 && first.changed == 0 && first.baselined == 0)
        #expect(first.alerts.map(\.rule) == ["big"])
        let second = try pipeline.process(batch, feed: feedConfig(), firstPoll: false, runtime: fixture.runtime, now: now)
        #expect(second.new == 0 && second.changed == 0 && second.alerts.isEmpty)
        #expect(try fixture.outbox() == ["big:Ronin->chat"])
        #expect(try fixture.store.incidentCount() == 2)
    }

    @Test func baselineIsSilentAndAnUpwardRevisionFiresAsUpdate() throws {
        let fixture = try PipelineFixture(rules: Self.rules)
        defer { fixture.close() }
        let pipeline = IncidentPipeline(store: fixture.store)
        let old = incident("Old Exchange", daysAgo: 30, loss: 50e6)
        let first = try pipeline.process([old], feed: feedConfig(), firstPoll: true, runtime: fixture.runtime, now: now)
        #expect(first.baselined == 1 && first.alerts.isEmpty)
        var revised = old
        revised.loss = Money(usd: 150e6)
        let second = try pipeline.process([revised], feed: feedConfig(), firstPoll: false, runtime: fixture.runtime, now: now)
        #expect(second.changed == 1)
        // One message naming both rules, at the higher severity (grouping, issue 11).
        #expect(second.alerts.map(\.rules) == [["big", "updated"]])
        #expect(second.alerts.map(\.severity) == [.critical])
        #expect(second.alerts.allSatisfy { $0.incident.update })
        #expect(try fixture.store.incident(source: "llama", id: "old exchange")?.loss == Money(usd: 150e6))
        #expect(try fixture.store.incident(source: "llama", id: "old exchange")?.update == false)
    }

    @Test func editsToHistoryStaySilentButRecentEditsAreUpdates() throws {
        let fixture = try PipelineFixture(rules: Self.rules)
        defer { fixture.close() }
        let pipeline = IncidentPipeline(store: fixture.store)
        let old = incident("Old Exchange", daysAgo: 30, loss: 500e6), recent = incident("Recent", daysAgo: 1, loss: 5e6)
        _ = try pipeline.process([old, recent], feed: feedConfig(), firstPoll: true, runtime: fixture.runtime, now: now)
        var editedOld = old, editedRecent = recent
        editedOld.technique = "Private Key Compromised"
        editedRecent.technique = "Private Key Compromised"
        let stats = try pipeline.process([editedOld, editedRecent], feed: feedConfig(), firstPoll: false, runtime: fixture.runtime, now: now)
        #expect(stats.changed == 2 && stats.baselined == 1)
        #expect(stats.alerts.map { "\($0.rule):\($0.incident.name)" } == ["updated:Recent"])
        #expect(try fixture.store.incident(source: "llama", id: "old exchange")?.technique == "Private Key Compromised")
    }

    @Test func sameHackFromASecondFeedDoesNotAlertTwice() throws {
        let fixture = try PipelineFixture(rules: "rule big {\n    when loss >= $100M\n}\n")
        defer { fixture.close() }
        let pipeline = IncidentPipeline(store: fixture.store)
        let fromLlama = try pipeline.process([incident("Ronin", loss: 600e6)], feed: feedConfig("llama"), firstPoll: false,
                                             runtime: fixture.runtime, now: now)
        #expect(fromLlama.alerts.count == 1)
        let rss = incident("Ronin", source: "rss", id: "guid-1", daysAgo: 1.2, loss: 620e6)
        let fromRSS = try pipeline.process([rss], feed: feedConfig("rss"), firstPoll: false, runtime: fixture.runtime, now: now)
        #expect(fromRSS.new == 1)
        // Not a second alert: an update to the first one's story (another feed corroborates it).
        #expect(fromRSS.alerts.map(\.revision) == [1])
        #expect(fromRSS.alerts.first?.story == fromLlama.alerts.first?.story)
        #expect(fromRSS.alerts.first?.changes.map(\.summary) == ["sources llama → llama, rss"])
        let merged = try #require(try fixture.store.incident(source: "llama", id: "ronin"))
        #expect(merged.sources == ["llama", "rss"])
        #expect(merged.loss == Money(usd: 620e6))
        // The RSS report changing later still resolves to the first report: no second alert.
        var changed = rss
        changed.summary = "more detail"
        let again = try pipeline.process([changed], feed: feedConfig("rss"), firstPoll: false, runtime: fixture.runtime, now: now)
        #expect(again.changed == 1)
        #expect(again.alerts.isEmpty)
        #expect(try fixture.outbox() == ["big:Ronin->chat", "big:Ronin->chat"])
        #expect(try fixture.store.dueDeliveries(now: now.addingTimeInterval(3600), limit: 10).map(\.alert.revision) == [0, 1])
    }

    @Test func dryRunReturnsAlertsAndWritesNothing() throws {
        let fixture = try PipelineFixture(rules: Self.rules)
        defer { fixture.close() }
        let pipeline = IncidentPipeline(store: fixture.store)
        let stats = try pipeline.process([incident("Ronin", loss: 600e6)], feed: feedConfig(), firstPoll: true,
                                         runtime: fixture.runtime, now: now, dryRun: true)
        #expect(stats.alerts.map(\.rule) == ["big"])
        #expect(try fixture.store.incidentCount() == 0)
        #expect(try fixture.outbox().isEmpty)
    }

    @Test func destinationsHonourNotifyMinSeverityAndEnabled() throws {
        let sinks = [
            SinkConfig(name: "chat", type: "stdout", isDefault: true),
            SinkConfig(name: "pager", type: "stdout", isDefault: true, minSeverity: .high),
            SinkConfig(name: "off", type: "stdout", isDefault: true, enabled: false),
            SinkConfig(name: "log", type: "stdout"),
        ]
        let fixture = try PipelineFixture(rules: Self.rules, sinks: sinks)
        defer { fixture.close() }
        #expect(fixture.runtime.destinations(notify: nil, severity: .medium) == ["chat"])
        #expect(fixture.runtime.destinations(notify: nil, severity: .critical) == ["chat", "pager"])
        #expect(fixture.runtime.destinations(notify: ["log", "off"], severity: .info) == ["log"])
    }
}
