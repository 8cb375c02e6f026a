import Foundation
import HackWatchModel
import HackWatchStats
import HackWatchStore

/// Stats: `hackwatch stats` over 53,800 stored incidents (the DefiLlama snapshot repeated 100
/// times with distinct names and ids, a year apart per copy so the periods stay realistic):
/// load from SQLite, drop correlated reports, compute by month with a one-year comparison.
func benchStats(_ report: inout BenchReport) {
    guard let snapshot = defiLlamaIncidents() else {
        report.note("shared/feeds/defillama snapshot not found; skipping stats figures")
        return
    }
    let dir = NSTemporaryDirectory() + "hackwatch-bench-stats-\(getpid())"
    try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let copies = 100
    do {
        let store = try StateStore(path: dir + "/state.db")
        defer { store.close() }
        let fill = measure {
            for copy in 0..<copies {
                for var incident in snapshot {
                    incident.id = "\(incident.id)-\(copy)"
                    incident.name = "\(incident.name) #\(copy)"
                    incident.source = "defillama"
                    incident.sources = ["defillama"]
                    incident.date = incident.date.map { $0.addingTimeInterval(-Double(copy) * 86_400 * 365) }
                    try? store.saveIncident(incident)
                }
            }
        }
        let stored = (try? store.incidentCount()) ?? 0
        report.record("stats_store_fill_s", fill, "s", note: "\(stored) incidents saved one by one (setup, not a target)")
        let period = StatsPeriod(since: Incident.parseDate("2022-01-01")!, until: Incident.parseDate("2022-07-31")!)
        var count = 0
        var best = Double.infinity
        for _ in 0..<3 {
            let seconds = measure {
                let incidents = CanonicalIncidents.canonical((try? store.incidents(since: .distantPast)) ?? [])
                let result = StatsReport.make(StatsQuery(period: period, grouping: .month, compare: StatsShift("1y")), incidents: incidents)
                count = result.totals.count
                _ = result.jsonValue.serialized()
            }
            best = min(best, seconds)
        }
        report.record("stats_53800_ms", best * 1000, "ms",
                      note: "\(stored) stored incidents: load + canonical + by month + compare 1y, best of 3; \(count) in 2022-01..07")
        benchAggregates(store: store, now: snapshot.compactMap(\.date).max() ?? Date(), &report)
    } catch {
        report.note("stats: cannot open a store in \(dir): \(error)")
    }
}
