import Foundation
import HackWatchConfiguration
import HackWatchModel
import HackWatchRules
import HackWatchStats

/// A digest with its `over` compiled and its window, comparison and breakdown read.
package struct DigestPlan: Sendable {
    package var config: DigestConfig
    package var over: RuleCondition?
    package var compare: StatsShift?
    package var grouping: StatsGrouping?

    /// The period a send at `scheduled` covers: the window ending the day before.
    package func period(for scheduled: Date) -> StatsPeriod? {
        StatsPeriod.window(config.window, now: StatsCalendar.day(scheduled).addingTimeInterval(-1))
    }

    /// Checks every digest of `config`; problems are reported with their JSON paths.
    package static func plans(_ config: HackWatchConfig) throws(RuntimeError) -> [DigestPlan] {
        var problems: [ConfigProblem] = []
        var plans: [DigestPlan] = []
        for (index, digest) in config.digests.enumerated() {
            let path = "$.digests[\(index)]"
            var plan = DigestPlan(config: digest)
            if StatsPeriod.window(digest.window, now: Date()) == nil {
                problems.append(ConfigProblem(path: path + ".window", message: "invalid window '\(digest.window)'; use 7d, 30d, 2w, mtd, qtd or ytd"))
            }
            if let compare = digest.compare {
                if let shift = StatsShift(compare), shift.amount > 0 { plan.compare = shift }
                else { problems.append(ConfigProblem(path: path + ".compare", message: "invalid comparison '\(compare)'; use 1y, 3m, 4w or 30d")) }
            }
            if let by = digest.by {
                if let grouping = StatsGrouping(rawValue: by) { plan.grouping = grouping }
                else { problems.append(ConfigProblem(path: path + ".by", message: "unknown breakdown '\(by)'; use \(StatsGrouping.allCases.map(\.rawValue).joined(separator: ", "))")) }
            }
            if let over = digest.over {
                let (condition, diagnostics) = RuleCondition.compile(over, label: "over")
                if let condition { plan.over = condition }
                for diagnostic in diagnostics where diagnostic.severity == .error {
                    problems.append(ConfigProblem(path: path + ".over", message: "column \(diagnostic.column): \(diagnostic.message)"))
                }
            }
            plans.append(plan)
        }
        guard problems.isEmpty else { throw .config(ConfigError(file: config.path, problems: problems)) }
        return plans
    }
}
