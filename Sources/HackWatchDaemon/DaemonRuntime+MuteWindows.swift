import Foundation
import HackWatchConfiguration

extension DaemonRuntime {
    /// A `time_intervals` entry naming a rule that no rules file defines is a config error
    /// (`check` and `run` report it): a typo would otherwise silently mute nothing.
    static func unknownWindowRules(_ config: HackWatchConfig, ruleNames: [String]) -> ConfigError? {
        var problems: [ConfigProblem] = []
        for (index, window) in config.timeIntervals.enumerated() {
            for (position, rule) in (window.rules ?? []).enumerated() where !ruleNames.contains(rule) {
                problems.append(ConfigProblem(path: "$.time_intervals[\(index)].rules[\(position)]",
                                              message: "unknown rule '\(rule)' (no rules file defines it)"))
            }
        }
        return problems.isEmpty ? nil : ConfigError(file: config.path, problems: problems)
    }
}
