/// Static cost estimates used to order `and`/`or` operands: conditions are pure (no side
/// effects, no errors, unknown = false), so evaluating the cheap ones first and stopping early
/// gives the same answer while most incidents never reach a string search or a regex.
extension RuleCompiler {
    /// A rough per-evaluation cost: 1 = a load and a compare; strings cost their folding and
    /// search; regexes more. Only the order matters.
    func cost(_ condition: TypedCondition) -> Int {
        switch condition {
        case .constant: return 0
        case .boolField, .exists: return 1
        case .not(let inner): return cost(inner)
        case .and(let items), .or(let items): return items.reduce(0) { $0 + cost($1) }
        case .macro(let index): return macroBodies[index].map(cost) ?? 20
        case .compare(_, let lhs, let rhs, let kind):
            return kind == .string ? 2 + Self.fieldCost(lhs) + Self.fieldCost(rhs) : 1
        case .membership(let lhs, let rhs, let kind, _):
            return kind == .string ? 3 + Self.fieldCost(lhs) + Self.fieldCost(rhs) : 2
        case .contains(let lhs, let rhs, _, _), .startsWith(let lhs, let rhs), .endsWith(let lhs, let rhs):
            return 4 + Self.fieldCost(lhs) + Self.fieldCost(rhs)
        case .matches(let lhs, let program):
            let base = program.literalBytes != nil ? 6 : 12
            return base + Self.fieldCost(lhs)
        }
    }

    /// Long free-text fields cost more to fold and search than short labels.
    static func fieldCost(_ ref: RuleValueRef) -> Int {
        guard case .field(let field) = ref else { return 0 }
        switch field {
        case .text, .summary: return 4
        case .title: return 2
        default: return field.type == .list(.string) ? 2 : 1
        }
    }

    /// `items` cheapest first (stable: equal costs keep their written order).
    func ordered(_ items: [TypedCondition]) -> [TypedCondition] {
        items.enumerated().map { (cost: cost($1), index: $0, item: $1) }
            .sorted { ($0.cost, $0.index) < ($1.cost, $1.index) }
            .map(\.item)
    }

    /// `condition` with every macro reference replaced by its body (for the reference evaluator).
    func inlined(_ condition: TypedCondition) -> TypedCondition {
        switch condition {
        case .macro(let index): return macroBodies[index].map(inlined) ?? .constant(false)
        case .not(let inner): return .not(inlined(inner))
        case .and(let items): return .and(items.map(inlined))
        case .or(let items): return .or(items.map(inlined))
        default: return condition
        }
    }
}
