import Foundation
import HackWatchModel

/// A rule after loading: its settings and its compiled condition.
public struct CompiledRule: Sendable {
    /// Unique across all loaded files (identifier or quoted string).
    public var name: String
    /// `severity` of the rule (default `medium`).
    public var severity: Severity
    /// Sink names; nil = the config's default sinks.
    public var notify: [String]?
    /// Mustache template source; nil = the sink's own layout.
    public var message: String?
    /// Disabled rules stay loaded (and checked) but never match in a `RuleSet`.
    public var enabled: Bool
    /// Where the rule is defined (`path:line:col`), for logs.
    public var location: String
    let predicate: RulePredicate

    /// Whether the rule's condition holds for `incident` at `now` (ignores `enabled`).
    public func matches(_ incident: Incident, now: Date) -> Bool {
        withUnsafePointer(to: incident) { predicate(RuleEvalContext(borrowing: $0, now: now.timeIntervalSince1970)) }
    }

    /// Evaluates against an already prepared incident (shares folded strings across rules).
    package func matches(_ context: RuleEvalContext) -> Bool { predicate(context) }
}

/// Every rule loaded from the rules files, in load order.
public struct RuleSet: Sendable {
    /// The rules in load order (disabled ones included; `matches` skips them).
    public var rules: [CompiledRule] { didSet { enabled = Self.enabledPredicates(rules) } }
    /// Aggregate rules (README "Aggregate rules"), in load order; evaluated by HackWatchStats.
    package var aggregates: [CompiledAggregate] = []
    /// Enabled rules' predicates and indices into `rules`: the hot loop touches only these.
    private var enabled: [EnabledRule]

    private struct EnabledRule: Sendable {
        let index: Int
        let predicate: RulePredicate
    }

    /// A set over already compiled rules (as `RuleLoader` makes them).
    package init(rules: [CompiledRule]) {
        self.rules = rules
        self.enabled = Self.enabledPredicates(rules)
    }

    private static func enabledPredicates(_ rules: [CompiledRule]) -> [EnabledRule] {
        rules.indices.filter { rules[$0].enabled }.map { EnabledRule(index: $0, predicate: rules[$0].predicate) }
    }

    /// Enabled rules that match, in load order. The incident is prepared once for all rules.
    public func matches(_ incident: Incident, now: Date) -> [CompiledRule] {
        withUnsafePointer(to: incident) { pointer in
            let context = RuleEvalContext(borrowing: pointer, now: now.timeIntervalSince1970)
            return enabled.withUnsafeBufferPointer { buffer in
                buffer.indices.compactMap { buffer[$0].predicate(context) ? rules[buffer[$0].index] : nil }
            }
        }
    }

    /// Number of enabled rules that match (no allocation of a result array; for benchmarks).
    package func matchCount(_ incident: Incident, now: Date) -> Int {
        withUnsafePointer(to: incident) { pointer in
            let context = RuleEvalContext(borrowing: pointer, now: now.timeIntervalSince1970)
            return enabled.withUnsafeBufferPointer { buffer in
                var count = 0
                for index in buffer.indices where buffer[index].predicate(context) { count += 1 }
                return count
            }
        }
    }
}

/// What loading the rules produced.
public struct RuleLoadResult: Sendable {
    /// The rules; nil when any error was found.
    public var ruleSet: RuleSet?
    /// Every problem in every file, sorted by file then position.
    public var diagnostics: [Diagnostic]

    /// A result as the loader makes it.
    public init(ruleSet: RuleSet?, diagnostics: [Diagnostic]) {
        self.ruleSet = ruleSet
        self.diagnostics = diagnostics
    }

    /// Whether any diagnostic is an error (warnings alone keep the rules usable).
    public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }

    /// Every diagnostic in the compiler form of RULES.md §5, one after another.
    public func render() -> String {
        diagnostics.map(\.rendered).joined(separator: "\n")
    }
}
