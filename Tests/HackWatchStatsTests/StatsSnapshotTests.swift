import Foundation
import Testing
import TestSupport
@testable import HackWatchConfiguration
@testable import HackWatchFeeds
@testable import HackWatchModel
@testable import HackWatchRules
@testable import HackWatchStats

/// `stats` figures on the real DefiLlama snapshot, each checked against a sum computed here from
/// the raw JSON with Foundation's parser (not hackwatch's feed parser).
@Suite(.enabled(if: SharedFeeds.defiLlamaSnapshot != nil, "shared/feeds/defillama snapshot not found"))
struct StatsSnapshotTests {
    /// One raw record: UTC day, amount, returned, target type, bridge flag, name.
    struct Raw {
        var day: String
        var amount: Double?
        var returned: Double?
        var target: String?
        var bridge: Bool
        var name: String
    }

    static let bytes = SharedFeeds.defiLlamaSnapshot ?? []

    static let raw: [Raw] = {
        guard let list = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [[String: Any]] else { return [] }
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyy-MM-dd"
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.locale = Locale(identifier: "en_US_POSIX")
        return list.map { item in
            Raw(day: formatter.string(from: Date(timeIntervalSince1970: (item["date"] as? NSNumber)?.doubleValue ?? 0)),
                amount: (item["amount"] as? NSNumber)?.doubleValue, returned: (item["returnedFunds"] as? NSNumber)?.doubleValue,
                target: item["targetType"] as? String, bridge: (item["bridgeHack"] as? Bool) ?? false, name: item["name"] as? String ?? "")
        }
    }()

    static let incidents: [Incident] = {
        let config = FeedConfig(name: "defillama", url: "file:///dev/null", format: .defillama)
        return ((try? FeedParser.parse(bytes, config: config).incidents) ?? []).map { incident in
            var named = incident
            named.source = "defillama"
            named.sources = ["defillama"]
            return named
        }
    }()

    static func raw(_ since: String, _ until: String) -> [Raw] { raw.filter { $0.day >= since && $0.day <= until } }

    static let period = StatsPeriod(since: Incident.parseDate("2022-01-01")!, until: Incident.parseDate("2022-07-31")!)

    @Test func firstSevenMonthsOf2022AreThePinnedFigures() {
        let report = StatsReport.make(StatsQuery(period: Self.period), incidents: Self.incidents)
        #expect(report.totals.count == 35)
        #expect(report.totals.knownLossCount == 35)
        #expect(report.totals.sumLoss == 1_704_910_000)
        // The same, independently.
        let raw = Self.raw("2022-01-01", "2022-07-31")
        #expect(raw.count == 35 && raw.compactMap(\.amount).reduce(0, +) == 1_704_910_000)
        let net = raw.reduce(0.0) { $0 + ($1.amount ?? 0) - ($1.returned ?? 0) }
        #expect(report.totals.netLoss == net)
        #expect(report.sources == ["defillama"])
        #expect(report.text.contains("total loss       $1.7B ($1,704,910,000)"))
        #expect(report.text.contains("known loss       35 of 35 (100%)"))
    }

    @Test func byMonthMatchesTheRawRecords() {
        let report = StatsReport.make(StatsQuery(period: Self.period, grouping: .month), incidents: Self.incidents)
        #expect(report.groups.map(\.key) == (1...7).map { "2022-0\($0)" })
        for group in report.groups {
            let month = Self.raw.filter { $0.day.hasPrefix(group.key) }
            #expect(group.totals.count == month.count, "\(group.key)")
            #expect(group.totals.sumLoss == month.compactMap(\.amount).reduce(0, +), "\(group.key)")
            #expect(abs(group.share - group.totals.sumLoss / 1_704_910_000) < 1e-12)
        }
        // March is Ronin's month: the largest bar is a full 30 cells.
        let march = report.groups.first { $0.key == "2022-03" }!
        #expect(march.totals.sumLoss == report.groups.map(\.totals.sumLoss).max())
        #expect(report.text.contains(String(repeating: "█", count: 30)))
    }

    @Test func byTargetMatchesTheRawRecords() {
        let report = StatsReport.make(StatsQuery(period: Self.period, grouping: .target), incidents: Self.incidents)
        let raw = Self.raw("2022-01-01", "2022-07-31")
        let targets = Set(raw.map { $0.target ?? StatsGrouping.unknownKey })
        #expect(Set(report.groups.map(\.key)) == targets)
        for group in report.groups {
            let rows = raw.filter { ($0.target ?? StatsGrouping.unknownKey) == group.key }
            #expect(group.totals.count == rows.count && group.totals.sumLoss == rows.compactMap(\.amount).reduce(0, +), "\(group.key)")
        }
        // Sorted by loss, largest first.
        #expect(report.groups.map(\.totals.sumLoss) == report.groups.map(\.totals.sumLoss).sorted(by: >))
    }

    @Test func compareOneYearIsTheSameDaysOf2021() throws {
        let report = StatsReport.make(StatsQuery(period: Self.period, compare: StatsShift("1y")), incidents: Self.incidents)
        let previous = try #require(report.previous)
        #expect(previous.period.label == "2021-01-01..2021-07-31")
        let raw2021 = Self.raw("2021-01-01", "2021-07-31")
        let sum2021 = raw2021.compactMap(\.amount).reduce(0, +)
        #expect(previous.totals.count == raw2021.count && previous.totals.sumLoss == sum2021)
        #expect(report.change == (1_704_910_000 - sum2021) / sum2021)
    }

    @Test func topAndWhereSelectLikeTheRawRecords() throws {
        let compiled = RuleCondition.compile("bridge and loss >= $100M", label: "--where")
        let condition = try #require(compiled.condition)
        let now = Date()
        let report = StatsReport.make(StatsQuery(period: Self.period, filter: { condition.matches($0, now: now) }, top: 3),
                                      incidents: Self.incidents)
        let raw = Self.raw("2022-01-01", "2022-07-31").filter { $0.bridge && ($0.amount ?? 0) >= 100e6 }
        #expect(report.totals.count == raw.count && report.totals.sumLoss == raw.compactMap(\.amount).reduce(0, +))
        let expected = raw.sorted { ($0.amount ?? 0) > ($1.amount ?? 0) }.prefix(3).map(\.name)
        #expect(report.top.map(\.name) == Array(expected))
        #expect(report.top.first?.name == "Ronin Bridge")
    }
}
