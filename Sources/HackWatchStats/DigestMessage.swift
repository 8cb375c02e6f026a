import Foundation
import HackWatchModel

/// A digest's message for one period: the figures `stats` prints, naming the sources and the
/// coverage, with per-sink trimming of `top` and the breakdown (README "Digests").
package enum DigestMessage {
    /// `digest:weekly:2026-11-29` (the period's last day).
    package static func alertID(digest: String, period: StatsPeriod) -> String {
        "digest:\(digest):\(Incident.formatDay(period.until))"
    }

    /// The alert, or nil when the period is empty and `skipEmpty`.
    package static func alert(digest: String, report: StatsReport, severity: Severity, skipEmpty: Bool, now: Date) -> Alert? {
        let totals = report.totals
        if totals.count == 0 && skipEmpty { return nil }
        let sum = Money(usd: totals.sumLoss).human
        let days = Int((report.period.end.timeIntervalSince(report.period.since) / 86_400).rounded())
        let quietWord = days == 7 ? "week" : days == 1 ? "day" : "period"
        let headline = totals.count == 0
            ? "\(digest): a quiet \(quietWord), no incidents \(report.period.label)"
            : "\(digest): \(totals.count) incident\(totals.count == 1 ? "" : "s"), \(sum) stolen \(report.period.label)"
        let sources = report.sources.isEmpty ? "none" : report.sources.joined(separator: ", ")
        let coverage = "\(totals.knownLossCount) of \(totals.count) with a known loss"
        var lines = [totals.count == 0 ? "A quiet \(quietWord): no incidents from \(report.period.label) (UTC)."
                                       : "\(totals.count) incidents from \(report.period.label) (UTC): \(sum) stolen, \(Money(usd: totals.netLoss).human) net of returns"]
        lines.append("\(coverage); source\(report.sources.count == 1 ? "" : "s"): \(sources)")
        var variables = [
            "digest": digest, "period": report.period.label, "window_label": report.period.label, "count": "\(totals.count)",
            "known_loss_count": "\(totals.knownLossCount)", "sum_loss": StatsReport.dollars(totals.sumLoss, grouped: false),
            "sum_loss_human": sum,
            "coverage_pct": StatsReport.percent(totals.count > 0 ? Double(totals.knownLossCount) / Double(totals.count) : 0),
        ]
        if let previous = report.previous {
            let change = report.change.map { ($0 >= 0 ? "+" : "") + StatsReport.percent($0) } ?? "n/a"
            if report.change != nil { variables["change_pct"] = change }
            lines.append("compared with \(previous.period.label): \(previous.totals.count) incidents, \(Money(usd: previous.totals.sumLoss).human) (\(change))")
        }
        var sections: [AlertSummary.Section] = []
        if !report.top.isEmpty {
            sections.append(.init(title: "top \(report.top.count) by loss", rows: report.top.map { incident in
                "\(incident.date.map(Incident.formatDay) ?? "----------")  \(incident.loss?.human ?? "?")  \(incident.name)"
            }, trimOrder: 0))
        }
        if let grouping = report.grouping, !report.groups.isEmpty {
            sections.append(.init(title: "by \(grouping.rawValue)", rows: report.groups.map { group in
                "\(group.key): \(group.totals.count), \(Money(usd: group.totals.sumLoss).human) (\(StatsReport.percent(group.share)))"
            }, trimOrder: 1))
        }
        var facts: [(label: String, value: String)] = [("Period", report.period.label + " (UTC)"), ("Incidents", "\(totals.count)"),
                                                        ("Total loss", sum), ("Coverage", coverage), ("Sources", sources)]
        if let change = variables["change_pct"] { facts.append(("Change", change)) }
        let summary = AlertSummary(kind: "digest", headline: headline, lines: lines, sections: sections, facts: facts,
                                   variables: variables, top: report.top.map(AggregateMessage.incidentVariables))
        var stand = Incident(id: "digest:\(digest)", source: "digest", name: "\(digest) digest", title: headline,
                             summary: lines.joined(separator: "\n"), date: report.period.until)
        stand.sources = report.sources
        stand.loss = totals.knownLossCount > 0 ? Money(usd: totals.sumLoss) : nil
        var alert = Alert(id: alertID(digest: digest, period: report.period), rule: "digest:\(digest)", severity: severity,
                          incident: stand, firedAt: now)
        alert.summary = summary
        return alert
    }
}
