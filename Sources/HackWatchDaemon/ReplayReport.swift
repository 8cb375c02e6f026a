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
    /// Messages each sink would get: one per incident whose matching rules route there (all of
    /// an incident's rules are one message, README "Incidents and updates").
    package var messages: [(sink: String, count: Int)] = []
    /// Incidents with at least one match (each is one story).
    package var incidents: Int { Set(matches.map { "\($0.incident.source)\u{1F}\($0.incident.id)" }).count }
    /// Updates: always 0 for one feed file, which holds no revisions or re-reports (the daemon
    /// sees those live).
    package var updates: Int { 0 }

    /// Evaluates `ruleSet` over `incidents` dated on or after `since` (undated ones only when
    /// `since` is nil; with no date they are evaluated as of `now`).
    package static func make(ruleSet: RuleSet, incidents: [Incident], since: Date?, now: Date = Date(),
                             route: (CompiledRule) -> [String] = { _ in [] }) -> ReplayReport {
        let chosen = incidents.filter { incident in
            guard let since else { return true }
            return (incident.date ?? .distantPast) >= since
        }
        var matches: [Match] = []
        var perSink: [String: Int] = [:]
        for incident in chosen {
            var sinks = Set<String>()
            for rule in ruleSet.matches(incident, now: incident.date ?? now) {
                matches.append(Match(incident: incident, rule: rule.name, severity: rule.severity))
                sinks.formUnion(route(rule))
            }
            for sink in sinks { perSink[sink, default: 0] += 1 }
        }
        matches.sort { ($0.incident.date ?? .distantPast, $0.rule) < ($1.incident.date ?? .distantPast, $1.rule) }
        var byRule: [String: Int] = [:]
        for match in matches { byRule[match.rule, default: 0] += 1 }
        let counts = ruleSet.rules.map { (rule: $0.name, count: byRule[$0.name] ?? 0) }
        var report = ReplayReport(matches: matches, evaluated: chosen.count, counts: counts)
        report.messages = perSink.sorted { $0.key < $1.key }.map { (sink: $0.key, count: $0.value) }
        return report
    }

    /// The printed report: one line per match, then per-rule counts.
    package func render() -> String {
        var lines = matches.map { match in
            let date = match.incident.date.map(Incident.formatDay) ?? "----------"
            let loss = match.incident.loss.map { "\($0)" } ?? "loss unknown"
            return "\(date)  \(match.severity.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)) \(match.rule): \(match.incident.name) (\(loss))"
        }
        lines.append("")
        lines.append("\(evaluated) incidents, \(matches.count) alerts (rule matches)")
        let width = counts.map(\.rule.count).max() ?? 0
        for (rule, count) in counts {
            lines.append("  \(rule.padding(toLength: width, withPad: " ", startingAt: 0))  \(count)")
        }
        lines.append("\(incidents) incidents alerted, \(updates) updates; messages per sink:")
        if messages.isEmpty { lines.append("  (no sink would receive any)") }
        let sinkWidth = messages.map(\.sink.count).max() ?? 0
        for (sink, count) in messages {
            lines.append("  \(sink.padding(toLength: sinkWidth, withPad: " ", startingAt: 0))  \(count)")
        }
        return lines.joined(separator: "\n")
    }
}
