import Foundation

extension DaemonRuntime {
    /// Enabled rules that can never deliver an alert with this config, each with the reason:
    /// every sink they name is disabled, no enabled sink is `default` for a rule without
    /// `notify`, or every remaining sink's `min_severity` is above the rule's severity.
    ///
    /// Not errors — a sink may be disabled on purpose for a while — but such a rule is silent,
    /// so `check` prints these and the daemon logs them at start and on reload.
    package var unroutableRules: [String] {
        ruleSet.rules.filter(\.enabled).compactMap { rule in
            guard destinations(notify: rule.notify, severity: rule.severity).isEmpty else { return nil }
            let named = rule.notify ?? defaultSinks
            if named.isEmpty {
                return "rule '\(rule.name)' has no notify and no enabled sink is default: it never alerts"
            }
            let enabled = named.filter { sinkConfigs[$0] != nil }
            if enabled.isEmpty {
                return "rule '\(rule.name)' notifies only disabled sinks (\(named.joined(separator: ", "))): it never alerts"
            }
            return "rule '\(rule.name)' (severity \(rule.severity.rawValue)) is below the min_severity of "
                + "\(enabled.joined(separator: ", ")): it never alerts"
        }
    }
}
