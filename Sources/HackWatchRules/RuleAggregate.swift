import Foundation
import HackWatchModel

/// How far back `change(X, SHIFT)` compares: calendar years, months, weeks or days.
package struct AggregateShift: Hashable, Sendable {
    /// How many units.
    package var amount: Int
    /// `y`, `w` or `d` (as `StatsShift` spells them).
    package var unit: String

    /// `1y`, `4w`, `30d`.
    package var text: String { "\(amount)\(unit)" }

    /// A duration literal as a calendar shift: whole years (`1y`) stay years, whole weeks weeks, else days.
    init?(seconds: Double) {
        guard seconds >= 86_400, seconds.truncatingRemainder(dividingBy: 86_400) == 0 else { return nil }
        if seconds.truncatingRemainder(dividingBy: 31_536_000) == 0 { (amount, unit) = (Int(seconds / 31_536_000), "y") }
        else if seconds.truncatingRemainder(dividingBy: 604_800) == 0 { (amount, unit) = (Int(seconds / 604_800), "w") }
        else { (amount, unit) = (Int(seconds / 86_400), "d") }
    }
}

/// An aggregate's window: N calendar days ending today (today included, as `stats --window Nd`),
/// or the calendar year, quarter or month to date, in UTC.
package enum AggregateWindow: Hashable, Sendable {
    case days(Int), ytd, qtd, mtd

    /// As `stats --window` reads it: `7d`, `ytd`.
    package var text: String {
        switch self {
        case .days(let n): "\(n)d"
        case .ytd: "ytd"
        case .qtd: "qtd"
        case .mtd: "mtd"
        }
    }

    /// The default cooldown: the window's length (a calendar window: its longest period).
    package var length: Double {
        switch self {
        case .days(let n): Double(n) * 86_400
        case .ytd: 366 * 86_400
        case .qtd: 92 * 86_400
        case .mtd: 31 * 86_400
        }
    }
}

/// A figure of an aggregate condition, after type checking.
indirect enum AggregateFigure: Sendable {
    case count
    case sum(RuleField), max(RuleField), avg(RuleField), distinct(RuleField)
    /// Index into `CompiledAggregate.shares`.
    case share(Int)
    case change(AggregateFigure, AggregateShift)
    case constant(Double)
}

/// A condition over figures, after type checking.
indirect enum AggregateCondition: Sendable {
    case constant(Bool)
    case and([AggregateCondition]), or([AggregateCondition])
    case not(AggregateCondition)
    case compare(RuleBinaryOperator, AggregateFigure, AggregateFigure)
}

/// An aggregate rule after loading (README "Aggregate rules").
package struct CompiledAggregate: Sendable {
    /// Unique among aggregates.
    package var name: String
    package var severity: Severity
    /// Sink names; nil = the config's default sinks.
    package var notify: [String]?
    /// Mustache template; nil = the sink's own layout of the summary.
    package var message: String?
    package var enabled: Bool
    /// `path:line:col` of the name.
    package var location: String
    package var window: AggregateWindow
    /// Seconds the condition must stay false before a new episode can fire.
    package var cooldown: Double
    /// The `group by` field's name; nil: one group, `all`.
    package var groupBy: String?
    /// The declaration's text: an edited aggregate records its current state silently.
    package var fingerprint: String
    /// Every shift `change(…)` uses (the evaluator loads those windows too).
    package var shifts: [AggregateShift]
    /// `over` and the `share(…)` conditions, compiled as rules' conditions are.
    let over: CompiledRule?
    let groupField: RuleField?
    let condition: AggregateCondition
    let shares: [CompiledRule]

    /// Whether `incident` counts (`over`).
    package func counts(_ incident: Incident, now: Date) -> Bool {
        over?.matches(incident, now: now) ?? true
    }

    /// The groups `incident` counts in: nil without `group by`; a list field gives one per element.
    /// Incidents whose field is unknown count in no group.
    package func groupKeys(_ incident: Incident) -> [String]? {
        guard let groupField else { return nil }
        return AggregateFields.strings(groupField, of: incident)
    }

    /// Whether the condition holds over `current` (the group's incidents in the window);
    /// `shifted` gives the group's incidents in the window moved back by a shift.
    package func holds(current: [Incident], shifted: @escaping (AggregateShift) -> [Incident], now: Date) -> Bool {
        var figures = AggregateFigures(aggregate: self, current: current, shifted: shifted, now: now)
        return figures.test(condition)
    }

    /// The first `change(…)` figure's value (`change_pct`), nil when there is none or nothing to compare with.
    package func change(current: [Incident], shifted: @escaping (AggregateShift) -> [Incident], now: Date) -> Double? {
        guard let figure = Self.firstChange(condition) else { return nil }
        var figures = AggregateFigures(aggregate: self, current: current, shifted: shifted, now: now)
        return figures.value(figure, over: current)
    }

    static func firstChange(_ condition: AggregateCondition) -> AggregateFigure? {
        switch condition {
        case .constant: return nil
        case .not(let inner): return firstChange(inner)
        case .and(let items), .or(let items): return items.lazy.compactMap(firstChange).first
        case .compare(_, let a, let b):
            for figure in [a, b] { if case .change = figure { return figure } }
            return nil
        }
    }
}

/// Computes figures over a group's incidents, each once per evaluation.
struct AggregateFigures {
    let aggregate: CompiledAggregate
    let current: [Incident]
    let shifted: (AggregateShift) -> [Incident]
    let now: Date

    mutating func test(_ condition: AggregateCondition) -> Bool {
        switch condition {
        case .constant(let value): return value
        case .not(let inner): return !test(inner)
        case .and(let items): return items.allSatisfy { test($0) }
        case .or(let items): return items.contains { test($0) }
        case .compare(let op, let a, let b):
            // As in rules: a comparison with an unknown figure (no loss known, nothing a year ago) is false.
            guard let x = value(a, over: current), let y = value(b, over: current) else { return false }
            switch op {
            case .equal: return x == y
            case .notEqual: return x != y
            case .less: return x < y
            case .lessEqual: return x <= y
            case .greater: return x > y
            default: return x >= y
            }
        }
    }

    func value(_ figure: AggregateFigure, over incidents: [Incident]) -> Double? {
        switch figure {
        case .constant(let value): return value
        case .count: return Double(incidents.count)
        case .sum(let field): return incidents.reduce(0) { $0 + (AggregateFields.money(field, of: $1) ?? 0) }
        case .max(let field): return incidents.compactMap { AggregateFields.money(field, of: $0) }.max()
        case .avg(let field):
            let known = incidents.compactMap { AggregateFields.money(field, of: $0) }
            return known.isEmpty ? nil : known.reduce(0, +) / Double(known.count)
        case .distinct(let field):
            return Double(Set(incidents.flatMap { (AggregateFields.strings(field, of: $0) ?? []).map { $0.lowercased() } }).count)
        case .share(let index):
            let total = incidents.reduce(0) { $0 + ($1.loss?.usd ?? 0) }
            guard total > 0 else { return nil }
            let predicate = aggregate.shares[index]
            let part = incidents.reduce(0.0) { sum, incident in
                sum + (predicate.matches(incident, now: now) ? incident.loss?.usd ?? 0 : 0)
            }
            return part / total
        case .change(let inner, let shift):
            guard let now = value(inner, over: incidents), let before = value(inner, over: shifted(shift)), before != 0 else { return nil }
            return (now - before) / before
        }
    }
}

/// Field values of an incident as aggregates read them (independent of the rule VM's caches).
enum AggregateFields {
    static func money(_ field: RuleField, of incident: Incident) -> Double? {
        switch field {
        case .loss: incident.loss?.usd
        case .returned: incident.returned?.usd
        case .netLoss: incident.netLoss?.usd
        default: nil
        }
    }

    /// Known, non-empty values; list fields give their distinct elements (first spelling kept).
    static func strings(_ field: RuleField, of incident: Incident) -> [String]? {
        let values: [String]
        switch field {
        case .id: values = [incident.id]
        case .source: values = [incident.source]
        case .name: values = [incident.name]
        case .title: values = incident.title.map { [$0] } ?? []
        case .url: values = incident.url.map { [$0] } ?? []
        case .classification: values = incident.classification.map { [$0] } ?? []
        case .technique: values = incident.technique.map { [$0] } ?? []
        case .target: values = incident.target.map { [$0] } ?? []
        case .attribution: values = incident.attribution.map { [$0] } ?? []
        case .sources: values = incident.sources.isEmpty ? [incident.source] : incident.sources
        case .chains: values = incident.chains
        case .tags: values = incident.tags
        case .addresses: values = incident.addresses
        case .transactions: values = incident.transactions
        default: values = []
        }
        var seen = Set<String>()
        return values.filter { !$0.isEmpty && seen.insert($0.lowercased()).inserted }
    }
}
