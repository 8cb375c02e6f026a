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
    /// The typed condition with macros inlined, as written (the reference evaluator's input).
    var condition: TypedCondition? = nil

    /// Whether the rule's condition holds for `incident` at `now` (ignores `enabled`).
    public func matches(_ incident: Incident, now: Date) -> Bool {
        RuleEvalContext.with(incident, now: now) { predicate($0) }
    }

    /// Whether the condition holds for the incident at `incident`, read in place: passing a
    /// value out of shared storage (an array element) copies it, retaining its ~16 strings and
    /// lists, which costs more than a simple rule itself.
    package func matches(_ incident: UnsafePointer<Incident>, now: Double) -> Bool {
        RuleEvalContext.with(incident, now: now) { predicate($0) }
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

    /// Enabled rules that match, in load order. The incident is prepared once for all rules;
    /// the result array is allocated only when a rule matches.
    public func matches(_ incident: Incident, now: Date) -> [CompiledRule] {
        var matched: [CompiledRule] = []
        forEachMatch(incident, now: now) { matched.append(rules[$0]) }
        return matched
    }

    /// Calls `body` with the index in `rules` of each enabled rule that matches, in load order;
    /// allocates nothing itself.
    @inline(__always)
    package func forEachMatch(_ incident: Incident, now: Date, _ body: (Int) throws -> Void) rethrows {
        try withUnsafePointer(to: incident) { try forEachMatch($0, now: now.timeIntervalSince1970, body) }
    }

    /// `forEachMatch` for the incident at `incident`, read in place (see `CompiledRule.matches`).
    @inline(__always)
    package func forEachMatch(_ incident: UnsafePointer<Incident>, now: Double, _ body: (Int) throws -> Void) rethrows {
        try RuleEvalContext.with(incident, now: now) { context in
            try enabled.withUnsafeBufferPointer { buffer in
                for index in buffer.indices where buffer[index].predicate(context) { try body(buffer[index].index) }
            }
        }
    }

    /// Number of enabled rules that match (no allocation at all; for benchmarks).
    package func matchCount(_ incident: Incident, now: Date) -> Int {
        withUnsafePointer(to: incident) { matchCount($0, now: now.timeIntervalSince1970) }
    }

    /// `matchCount` for the incident at `incident`, read in place.
    package func matchCount(_ incident: UnsafePointer<Incident>, now: Double) -> Int {
        var count = 0
        forEachMatch(incident, now: now) { _ in count += 1 }
        return count
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
