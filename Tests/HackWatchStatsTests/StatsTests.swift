import Foundation
import Testing
@testable import HackWatchFeeds
@testable import HackWatchModel
@testable import HackWatchRules
@testable import HackWatchStats

struct StatsTests {
    static func day(_ text: String) -> Date { Incident.parseDate(text)! }

    @Test(arguments: [
        ("ytd", "2024-05-15", "2024-01-01..2024-05-15"),
        ("qtd", "2024-05-15", "2024-04-01..2024-05-15"),
        ("mtd", "2024-05-15", "2024-05-01..2024-05-15"),
        ("30d", "2024-05-15", "2024-04-16..2024-05-15"),
        ("1w", "2024-05-15", "2024-05-09..2024-05-15"),
        ("1y", "2024-05-15", "2023-05-16..2024-05-15"),
    ])
    func windows(window: String, now: String, label: String) throws {
        let period = try #require(StatsPeriod.window(window, now: Self.day(now).addingTimeInterval(3600)))
        #expect(period.label == label)
    }

    @Test(arguments: ["", "ytdx", "0d", "d", "-3d", "5h"])
    func badWindows(window: String) {
        #expect(StatsPeriod.window(window, now: Date()) == nil)
    }

    @Test func untilIsInclusiveToTheLastSecondOfTheDay() {
        let period = StatsPeriod(since: Self.day("2022-01-01"), until: Self.day("2022-01-31"))
        #expect(period.contains(Self.day("2022-01-31").addingTimeInterval(86_399)))
        #expect(!period.contains(Self.day("2022-02-01")))
        #expect(!period.contains(Self.day("2021-12-31").addingTimeInterval(86_399)))
    }

    @Test func canonicalCountsAHackSeveralFeedsReportedOnce() {
        // defillama's record absorbed rekt's report (sources lists both); rekt's own record stays
        // stored under its feed and must not count again. Another rekt-only hack counts.
        let root = Incident(id: "1", source: "defillama", sources: ["defillama", "rekt"], name: "Ronin Bridge",
                            date: Self.day("2022-03-23"), loss: Money(usd: 624e6))
        let echo = Incident(id: "ronin-rekt", source: "rekt", name: "Ronin Network - REKT",
                            date: Self.day("2022-03-29"), loss: Money(usd: 624e6))
        let own = Incident(id: "other", source: "rekt", name: "Beanstalk", date: Self.day("2022-04-17"), loss: Money(usd: 181e6))
        let far = Incident(id: "ronin-2024", source: "rekt", name: "Ronin Network", date: Self.day("2024-08-06"), loss: Money(usd: 12e6))
        let kept = CanonicalIncidents.canonical([root, echo, own, far])
        #expect(kept.map(\.id) == ["1", "other", "ronin-2024"])
        let report = StatsReport.make(StatsQuery(period: StatsPeriod(since: Self.day("2022-01-01"), until: Self.day("2022-12-31")),
                                                 grouping: .source), incidents: kept)
        #expect(report.totals.count == 2 && report.totals.sumLoss == 805e6)
        #expect(report.groups.map(\.key) == ["rekt", "defillama"])  // rekt reported both
        #expect(report.sources == ["defillama", "rekt"])
    }

    @Test func unknownLossesCountButDoNotSum() {
        let incidents = [
            Incident(id: "a", source: "f", name: "A", date: Self.day("2022-01-02"), loss: Money(usd: 10e6), returned: Money(usd: 4e6), chains: ["Ethereum", "BSC"]),
            Incident(id: "b", source: "f", name: "B", date: Self.day("2022-01-03"), chains: ["Ethereum"]),
            Incident(id: "c", source: "f", name: "C"),  // undated: in no period
        ]
        let report = StatsReport.make(StatsQuery(period: StatsPeriod(since: Self.day("2022-01-01"), until: Self.day("2022-01-31")),
                                                 grouping: .chain), incidents: incidents)
        #expect(report.totals.count == 2 && report.totals.knownLossCount == 1)
        #expect(report.totals.sumLoss == 10e6 && report.totals.netLoss == 6e6)
        #expect(report.groups.map(\.key) == ["Ethereum", "BSC"])
        #expect(report.text.contains("known loss       1 of 2 (50%)"))
        #expect(report.csv == "key,count,known_loss_count,sum_loss,net_loss,share\nEthereum,2,1,10000000,6000000,1\nBSC,1,1,10000000,6000000,1")
    }

    @Test func barsUseEighthBlocks() {
        #expect(StatsReport.bar(100, peak: 100, width: 4) == "████")
        #expect(StatsReport.bar(50, peak: 100, width: 4) == "██")
        #expect(StatsReport.bar(10, peak: 100, width: 4) == "▍")  // 3.2 eighths
        #expect(StatsReport.bar(0, peak: 100, width: 4) == "")
    }

    @Test(arguments: [
        ("loss >= \"x\"", "--where:1:1: error: cannot compare money with string"),
        ("bridge and", "--where:1:11: error: expected an expression, found the end of the condition"),
        ("nosuchfield", "--where:1:1: error: unknown field 'nosuchfield'"),
        ("bridge or\n  loss >= \"5\"", "--where:2:3: error: cannot compare money with string"),
    ])
    func whereErrorsPointIntoTheCondition(text: String, message: String) {
        let compiled = RuleCondition.compile(text, label: "--where")
        #expect(compiled.condition == nil)
        #expect(compiled.diagnostics.map(\.description) == [message])
        #expect(compiled.diagnostics.first?.sourceLine == text.split(separator: "\n").map(String.init).last)
    }
}
