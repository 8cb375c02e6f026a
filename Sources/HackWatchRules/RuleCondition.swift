import Foundation
import HackWatchModel

/// A lone rule-language condition, compiled as a rule's `when` is: `stats --where`, and the
/// aggregate rules' `over`. Diagnostics point into the condition text itself (line 1 is its
/// first line, columns count from its first character).
package struct RuleCondition: Sendable {
    let rule: CompiledRule

    /// Whether the condition holds for `incident` at `now` (`age` is measured from `now`).
    package func matches(_ incident: Incident, now: Date) -> Bool { rule.matches(incident, now: now) }

    /// What the condition is wrapped in: a rule whose `when` starts on the first line.
    static let prefix = "rule where { when "

    /// Compiles `text`; nil with the diagnostics (named `label`, e.g. `--where`) when it is not a
    /// well-typed condition.
    package static func compile(_ text: String, label: String) -> (condition: RuleCondition?, diagnostics: [Diagnostic]) {
        let source = prefix + text + "\n}\n"
        let loaded = RuleLoader.load(sources: [(path: label, bytes: Array(source.utf8))], sinkNames: nil)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let diagnostics = loaded.diagnostics.map { diagnostic in
            var moved = diagnostic
            if moved.line == 1 { moved.column = max(1, moved.column - prefix.count) }
            if moved.line > lines.count {  // the closing brace we added: report at the text's end
                moved.line = max(1, lines.count)
                moved.column = (lines.last?.count ?? 0) + 1
                moved.message = moved.message.replacingOccurrences(of: "found '}'", with: "found the end of the condition")
            }
            moved.sourceLine = lines.indices.contains(moved.line - 1) ? lines[moved.line - 1] : nil
            return moved
        }
        guard let rule = loaded.ruleSet?.rules.first, !loaded.hasErrors else { return (nil, diagnostics) }
        return (RuleCondition(rule: rule), diagnostics)
    }
}
