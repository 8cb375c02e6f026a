import Foundation
import HackWatchFeeds
import HackWatchModel
import HackWatchRules
import HackWatchStats
import HackWatchStore

/// Aggregate rules: what one evaluation costs when a poll brings a new incident — load the
/// window's history from the store, drop correlated reports, evaluate 20 aggregate rules (7d to
/// ytd windows, groups, share, distinct, change against a year earlier) — over the 53,800-incident
/// store of the stats bench, as of the snapshot's newest incident.
func benchAggregates(store: StateStore, now: Date, _ report: inout BenchReport) {
    var source = ""
    let windows = ["7d", "30d", "90d", "ytd", "qtd", "mtd", "14d"]
    let conditions = ["count >= 3", "sum(loss) >= $500M", "max(loss) >= $100M", "avg(loss) >= $20M", "distinct(name) >= 5",
                      "share(technique contains \"key\") >= 60%", "change(sum(loss), 1y) >= 60%", "count >= 3 or sum(loss) >= $500M"]
    let groups = ["", "group by chains", "group by target", "group by technique"]
    for index in 0..<20 {
        source += "aggregate a\(index) { over loss >= $\(index % 3)M window \(windows[index % windows.count]) "
            + "\(groups[index % groups.count]) when \(conditions[index % conditions.count]) }\n"
    }
    let loaded = RuleLoader.load(sources: [("bench.rules", Array(source.utf8))], sinkNames: nil)
    guard let aggregates = loaded.ruleSet?.aggregates, aggregates.count == 20 else {
        report.note("aggregates: the bench rules do not load: \(loaded.render())")
        return
    }
    var best = Double.infinity
    var loadedCount = 0, holding = 0
    for _ in 0..<3 {
        let seconds = measure {
            let since = AggregateEvaluation.earliest(aggregates, now: now)
            let history = CanonicalIncidents.canonical((try? store.incidents(since: since)) ?? [], correlator: Correlator())
            loadedCount = history.count
            holding = 0
            for aggregate in aggregates {
                holding += AggregateEvaluation.evaluate(aggregate, incidents: history, now: now).filter(\.holds).count
            }
        }
        best = min(best, seconds)
    }
    report.record("aggregates_20_per_new_incident_ms", best * 1000, "ms",
                  note: "one evaluation of 20 aggregate rules after a new incident: load \(loadedCount) incidents (earliest window start), canonical, evaluate; \(holding) groups true; best of 3")
}
