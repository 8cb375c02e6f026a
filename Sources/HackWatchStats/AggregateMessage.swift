import Foundation
import HackWatchModel
import HackWatchRules

/// The alert an aggregate's episode sends: id `aggregate:NAME:GROUP:EPISODE`, a summary with
/// the figures, and a stand-in incident for the group (README "Aggregate rules").
package enum AggregateMessage {
    /// `aggregate:bridge_wave:ethereum:2`.
    package static func alertID(aggregate: String, group: String, episode: Int) -> String {
        "aggregate:\(aggregate):\(group):\(episode)"
    }

    /// Top incidents listed in a message.
    package static let topCount = 5

    /// The template variables of one incident in `top`.
    package static func incidentVariables(_ incident: Incident) -> [String: String] {
        var vars = ["name": incident.name, "source": incident.source]
        if let loss = incident.loss { vars["loss_human"] = loss.human; vars["loss"] = String(format: "%.0f", loss.usd) }
        if let date = incident.date { vars["date"] = Incident.formatDay(date) }
        if let url = incident.url { vars["url"] = url }
        if let title = incident.title { vars["title"] = title }
        if !incident.chains.isEmpty { vars["chains"] = incident.chains.joined(separator: ", ") }
        if let technique = incident.technique { vars["technique"] = technique }
        if let target = incident.target { vars["target"] = target }
        return vars
    }

    /// Largest first (unknown losses last), then newest, then name.
    package static func top(_ incidents: [Incident], _ count: Int) -> [Incident] {
        Array(incidents.sorted {
            let a = $0.loss?.usd ?? -1, b = $1.loss?.usd ?? -1
            if a != b { return a > b }
            if $0.date != $1.date { return ($0.date ?? .distantPast) > ($1.date ?? .distantPast) }
            return $0.name < $1.name
        }.prefix(count))
    }

    /// `2 of 3 (67%)` and `67%`.
    static func coverage(_ totals: StatsTotals) -> (text: String, percent: String) {
        let share = totals.count > 0 ? Double(totals.knownLossCount) / Double(totals.count) : 0
        return ("\(totals.knownLossCount) of \(totals.count) with a known loss", StatsReport.percent(share))
    }

    /// The alert for `group`'s episode `episode`.
    package static func alert(_ aggregate: CompiledAggregate, group: AggregateGroupResult, episode: Int, now: Date) -> Alert {
        var totals = StatsTotals()
        for incident in group.incidents { totals.add(incident) }
        let top = top(group.incidents, topCount)
        let sources = Array(Set(group.incidents.flatMap { $0.sources.isEmpty ? [$0.source] : $0.sources })).sorted()
        let windowLabel = "\(aggregate.window.text) (\(group.period.label))"
        let groupLabel = aggregate.groupBy == nil ? "" : " (\(group.display))"
        let sum = Money(usd: totals.sumLoss).human
        let headline = "\(aggregate.name)\(groupLabel): \(totals.count) incident\(totals.count == 1 ? "" : "s"), \(sum) in \(aggregate.window.text)"
        let (coverageText, coveragePercent) = coverage(totals)
        var lines = ["\(totals.count) incidents in \(windowLabel)\(aggregate.groupBy.map { ", \($0) \(group.display)" } ?? ""): \(sum) stolen"]
        lines.append("\(coverageText); source\(sources.count == 1 ? "" : "s"): \(sources.isEmpty ? "none" : sources.joined(separator: ", "))")
        var variables = [
            "aggregate": aggregate.name, "group": group.display, "episode": "\(episode)", "count": "\(totals.count)",
            "known_loss_count": "\(totals.knownLossCount)", "coverage_pct": coveragePercent,
            "sum_loss": StatsReport.dollars(totals.sumLoss, grouped: false), "sum_loss_human": sum, "window_label": windowLabel,
            "period": group.period.label,
        ]
        if let change = group.change {
            variables["change_pct"] = (change >= 0 ? "+" : "") + StatsReport.percent(change)
            lines.append("change: \(variables["change_pct"]!) against the same window earlier")
        }
        let rows = top.map { incident in
            "\(incident.date.map(Incident.formatDay) ?? "----------")  \(incident.loss?.human ?? "?")  \(incident.name)"
        }
        var facts: [(label: String, value: String)] = [("Incidents", "\(totals.count)"), ("Total loss", sum),
                                                        ("Window", windowLabel), ("Coverage", coverageText)]
        if aggregate.groupBy != nil { facts.insert(("Group", group.display), at: 0) }
        if let change = variables["change_pct"] { facts.append(("Change", change)) }
        facts.append(("Sources", sources.isEmpty ? "none" : sources.joined(separator: ", ")))
        let summary = AlertSummary(kind: "aggregate", headline: headline, lines: lines,
                                   sections: [.init(title: "top \(top.count) by loss", rows: rows, trimOrder: 0)],
                                   facts: facts, variables: variables, top: top.map(incidentVariables))
        var stand = Incident(id: "aggregate:\(aggregate.name):\(group.key)", source: "aggregate", name: "\(aggregate.name)\(groupLabel)",
                             title: headline, summary: lines.joined(separator: "\n"), date: now)
        stand.sources = sources
        stand.loss = totals.knownLossCount > 0 ? Money(usd: totals.sumLoss) : nil
        var alert = Alert(id: alertID(aggregate: aggregate.name, group: group.key, episode: episode), rule: aggregate.name,
                          severity: aggregate.severity, template: aggregate.message, incident: stand, firedAt: now)
        alert.summary = summary
        return alert
    }
}
