import Foundation
import Testing
@testable import HackWatchModel
@testable import HackWatchRules
@testable import HackWatchStats
@testable import HackWatchStore

/// Aggregate windows, groups and figures over stored-looking incidents (README "Aggregate rules").
@Suite struct AggregateEvaluationTests {
    static let now = Incident.parseDate("2022-08-10T12:00:00Z")!

    static func hack(_ name: String, _ day: String, loss: Double? = 1e6, chains: [String] = ["Ethereum"]) -> Incident {
        Incident(id: name, source: "llama", name: name, date: Incident.parseDate(day), loss: loss.map(Money.init(usd:)), chains: chains)
    }

    static func aggregate(_ text: String) throws -> CompiledAggregate {
        let loaded = RuleLoader.load(sources: [("t.rules", Array("aggregate a { \(text) }".utf8))], sinkNames: nil)
        return try #require(loaded.ruleSet?.aggregates.first, "\(loaded.render())")
    }

    static let history = [
        hack("Today", "2022-08-10"), hack("Six days ago", "2022-08-04", chains: ["Ethereum", "BSC"]),
        hack("Seven days ago", "2022-08-03"), hack("New year", "2022-01-01", loss: 2e6), hack("No chain", "2022-08-09", chains: []),
        hack("Last year", "2021-06-01", loss: 1e6),
    ]

    @Test(arguments: [
        ("window 7d when count >= 1", ["all: Today, Six days ago, No chain"]),
        ("window ytd when count >= 1", ["all: Today, Six days ago, Seven days ago, New year, No chain"]),
        ("window mtd when count >= 1", ["all: Today, Six days ago, Seven days ago, No chain"]),
        ("window 7d group by chains when count >= 2", ["BSC: Six days ago", "Ethereum: Today, Six days ago"]),
    ])
    func windowsAndGroups(declaration: String, expected: [String]) throws {
        let results = AggregateEvaluation.evaluate(try Self.aggregate(declaration), incidents: Self.history, now: Self.now)
        let rendered = results.map { "\($0.display): " + $0.incidents.map(\.name).joined(separator: ", ") }
        #expect(Set(rendered) == Set(expected))
        if declaration.contains("group by") {
            #expect(results.map { "\($0.key)=\($0.holds)" } == ["bsc=false", "ethereum=true"])
        }
    }

    @Test func changeAgainstTheSameWindowAYearEarlier() throws {
        let aggregate = try Self.aggregate("window ytd when change(sum(loss), 1y) >= 500%")
        let result = try #require(AggregateEvaluation.evaluate(aggregate, incidents: Self.history, now: Self.now).first)
        // 2022-01-01..08-10: $6M; 2021-01-01..08-10: $1M.
        #expect(result.change == 5 && result.holds)
        #expect(AggregateEvaluation.earliest([aggregate], now: Self.now) == Incident.parseDate("2021-01-01"))
    }

    @Test func theEpisodeMessageNamesFiguresSourcesAndCoverage() throws {
        let aggregate = try Self.aggregate("window 7d group by chains when count >= 2 severity high")
        var history = Self.history
        history.append(Self.hack("Unknown loss", "2022-08-10", loss: nil))
        let group = try #require(AggregateEvaluation.evaluate(aggregate, incidents: history, now: Self.now).first { $0.key == "ethereum" })
        let alert = AggregateMessage.alert(aggregate, group: group, episode: 2, now: Self.now)
        #expect(alert.id == "aggregate:a:ethereum:2")
        #expect(alert.severity == .high && alert.rule == "a")
        let summary = try #require(alert.summary)
        #expect(summary.headline == "a (Ethereum): 3 incidents, $2M in 7d")
        #expect(summary.lines == ["3 incidents in 7d (2022-08-04..2022-08-10), chains Ethereum: $2M stolen",
                                  "2 of 3 with a known loss; source: llama"])
        #expect(summary.variables["coverage_pct"] == "66.7%")
        #expect(summary.top.map { $0["name"] } == ["Today", "Six days ago", "Unknown loss"])
    }

    @Test func trimmingDropsTopRowsBeforeBreakdownRows() {
        let summary = AlertSummary(kind: "digest", headline: "h", lines: ["totals"],
                                   sections: [.init(title: "top", rows: (1...20).map { "incident \($0)" }, trimOrder: 0),
                                              .init(title: "by target", rows: (1...5).map { "target \($0)" }, trimOrder: 1)])
        let text = summary.text(limit: 120)
        #expect(text.count <= 120)
        #expect(text.contains("target 5") && text.contains("totals"))
        #expect(text.contains("more") || text.contains("left out"))
        #expect(summary.text(limit: 10_000).contains("incident 20"))
    }

    @Test func aggregateStateRoundTripsThroughTheStore() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hw-agg-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try StateStore(path: StateStore.path(stateDir: dir.path))
        defer { store.close() }
        #expect(try store.aggregateState("a") == nil)
        let state = AggregateState(name: "a", fingerprint: "aggregate a {…}",
                                   groups: ["ethereum": AggregateGroupState(display: "Ethereum", episode: 2, active: true, lastTrue: Self.now)],
                                   updatedAt: Self.now)
        let episode = AggregateEpisode(aggregate: "a", group: "Ethereum", episode: 2, startedAt: Self.now, alertID: "aggregate:a:ethereum:2")
        try store.saveAggregateState(state, episodes: [episode])
        #expect(try store.aggregateState("a") == state)
        #expect(try store.aggregateEpisodes(aggregate: "a", limit: 10) == [episode])
        try store.saveDigestPeriodEnd("weekly", end: Self.now)
        #expect(try store.digestPeriodEnd("weekly") == Self.now)
    }
}
