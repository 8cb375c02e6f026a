import Foundation
import HackWatchModel
import HackWatchRules

/// `hackwatch replay`: which rules would have fired on a feed's history.
///
/// Each incident is evaluated as of its own date (`age` = 0, `now` = the incident's date), the
/// moment it would have been reported — so `age < 7d` rules behave as they would have live.
/// Nothing is read from or written to the state database: replay is a pure backtest.
package struct ReplayReport: Sendable {
    /// One (incident, rule) match.
    package struct Match: Sendable {
        /// The incident, as the feed file describes it.
        package var incident: Incident
        /// The rule that matched.
        package var rule: String
        /// That rule's severity.
        package var severity: Severity
    }
    /// Every match, by incident date then rule name.
    package var matches: [Match]
    /// Incidents evaluated (after `since`).
    package var evaluated: Int
    /// Rules by name with their match counts (rules that never matched included, count 0).
    package var counts: [(rule: String, count: Int)]

    /// Evaluates `ruleSet` over `incidents` dated on or after `since` (undated ones only when
    /// `since` is nil; with no date they are evaluated as of `now`).
    package static func make(ruleSet: RuleSet, incidents: [Incident], since: Date?, now: Date = Date()) -> ReplayReport {
        let chosen = incidents.filter { incident in
            guard let since else { return true }
            return (incident.date ?? .distantPast) >= since
        }
        var matches: [Match] = []
        for incident in chosen {
            for rule in ruleSet.matches(incident, now: incident.date ?? now) {
                matches.append(Match(incident: incident, rule: rule.name, severity: rule.severity))
            }
        }
        matches.sort { ($0.incident.date ?? .distantPast, $0.rule) < ($1.incident.date ?? .distantPast, $1.rule) }
        var byRule: [String: Int] = [:]
        for match in matches { byRule[match.rule, default: 0] += 1 }
        let counts = ruleSet.rules.map { (rule: $0.name, count: byRule[$0.name] ?? 0) }
        return ReplayReport(matches: matches, evaluated: chosen.count, counts: counts)
    }

    /// The printed report: one line per match, then per-rule counts.
    package func render() -> String {
        var lines = matches.map { match in
            let date = match.incident.date.map(Incident.formatDay) ?? "----------"
            let loss = match.incident.loss.map { "\($0)" } ?? "loss unknown"
            return "\(date)  \(match.severity.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)) \(match.rule): \(match.incident.name) (\(loss))"
        }
        lines.append("")
        lines.append("\(evaluated) incidents, \(matches.count) alerts")
        let width = counts.map(\.rule.count).max() ?? 0
        for (rule, count) in counts {
            lines.append("  \(rule.padding(toLength: width, withPad: " ", startingAt: 0))  \(count)")
        }
        return lines.joined(separator: "\n")
    }
}
