import Foundation
import Testing
@testable import HackWatchDaemon
@testable import HackWatchRules

@Suite struct ReplayReportTests {
    static func ruleSet(_ source: String) throws -> RuleSet {
        let loaded = RuleLoader.load(sources: [("r.rules", Array(source.utf8))], sinkNames: nil)
        return try #require(loaded.ruleSet, "\(loaded.render())")
    }

    @Test func evaluatesEachIncidentAsOfItsOwnDate() throws {
        // `age < 1d` would match nothing years later; as of each incident's date every one matches.
        let rules = try Self.ruleSet("rule fresh {\n    when age < 1d and loss > $1M\n}\nrule never {\n    when false\n}\n")
        let history = [incident("A", daysAgo: 800, loss: 5e6), incident("B", daysAgo: 400, loss: 10), incident("C", daysAgo: 3, loss: 2e6)]
        let report = ReplayReport.make(ruleSet: rules, incidents: history, since: nil, now: now)
        #expect(report.evaluated == 3)
        #expect(report.matches.map(\.incident.name) == ["A", "C"])
        #expect(report.counts.map { "\($0.rule)=\($0.count)" } == ["fresh=2", "never=0"])
        #expect(report.render().contains("3 incidents, 2 alerts (rule matches)\n  fresh  2\n  never  0\n2 incidents alerted, 0 updates"))
    }

    @Test func sinceDropsOlderAndUndatedIncidents() throws {
        let rules = try Self.ruleSet("rule all {\n    when true\n}\n")
        var undated = incident("U")
        undated.date = nil
        let report = ReplayReport.make(ruleSet: rules, incidents: [incident("Old", daysAgo: 30), incident("New", daysAgo: 2), undated],
                                       since: now.addingTimeInterval(-7 * 86_400), now: now)
        #expect(report.matches.map(\.incident.name) == ["New"])
    }
}
