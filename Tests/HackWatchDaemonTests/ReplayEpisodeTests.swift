import Foundation
import Testing
@testable import HackWatchDaemon
@testable import HackWatchModel
@testable import HackWatchRules

/// `replay` shows the episodes aggregates would have fired on history.
@Suite struct ReplayEpisodeTests {
    @Test func episodesOnHistoryFollowTheEdgeTriggerAndCooldown() throws {
        let loaded = RuleLoader.load(sources: [("t.rules", Array("aggregate pair { window 7d group by chains when count >= 2 cooldown 7d }".utf8))],
                                     sinkNames: nil)
        let ruleSet = try #require(loaded.ruleSet, "\(loaded.render())")
        func hack(_ name: String, _ day: String, chain: String = "Ethereum") -> Incident {
            Incident(id: name, source: "llama", name: name, date: Incident.parseDate(day), loss: Money(usd: 1e6), chains: [chain])
        }
        let incidents = [hack("A", "2022-01-01"), hack("B", "2022-01-02"), hack("C", "2022-01-03"), hack("X", "2022-01-03", chain: "BSC"),
                         hack("D", "2022-02-01"), hack("E", "2022-02-02")]
        let episodes = ReplayReport.episodes(ruleSet: ruleSet, incidents: incidents, since: nil, until: Incident.parseDate("2022-03-01")!)
        #expect(episodes.map { "\(Incident.formatDay($0.date)) \($0.group) \($0.episode) \($0.count)" }
                == ["2022-01-02 Ethereum 1 2", "2022-02-02 Ethereum 2 2"])
        #expect(ReplayReport.renderEpisodes(episodes, aggregates: ruleSet.aggregates).contains(
            "2022-01-02  aggregate pair (Ethereum) episode 1: 2 incidents, $2M"))
    }
}
