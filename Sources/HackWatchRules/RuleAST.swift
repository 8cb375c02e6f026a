/// A literal value as written in a rules file.
enum RuleLiteral: Sendable {
    case bool(Bool)
    case string(String)
    case number(Double)
    case money(Double)
    case duration(Double)
    case date(Double)
    case regex(pattern: String, flags: String, patternStart: Int)
    case list([(RuleLiteral, SourceSpan)])
}

/// Comparison and membership operators.
enum RuleBinaryOperator: String, Sendable {
    case equal = "==", notEqual = "!=", less = "<", lessEqual = "<=", greater = ">", greaterEqual = ">="
    case `in` = "in", notIn = "not in", contains = "contains", startsWith = "startswith", endsWith = "endswith"
    case matches = "matches"
}

/// An expression as parsed, before names are resolved.
indirect enum RuleExpr: Sendable {
    /// A field, `let` or `macro` name.
    case name(String, SourceSpan)
    case literal(RuleLiteral, SourceSpan)
    case not(RuleExpr, SourceSpan)
    /// Flattened `a and b and c` (never fewer than two operands).
    case and([RuleExpr])
    case or([RuleExpr])
    case binary(RuleBinaryOperator, RuleExpr, RuleExpr, operatorSpan: SourceSpan)
    case exists(RuleExpr, SourceSpan)
    /// Where a syntax error was reported; never type-checked further.
    case invalid(SourceSpan)

    /// The source range the expression covers.
    var span: SourceSpan {
        switch self {
        case .name(_, let span), .literal(_, let span), .invalid(let span): return span
        case .not(let inner, let span), .exists(let inner, let span): return span.union(inner.span)
        case .and(let items), .or(let items): return items[0].span.union(items[items.count - 1].span)
        case .binary(_, let lhs, let rhs, _): return lhs.span.union(rhs.span)
        }
    }
}

/// `let NAME = literal`.
struct LetDecl: Sendable {
    var name: String
    var nameSpan: SourceSpan
    var value: RuleLiteral
    var valueSpan: SourceSpan
}

/// `macro NAME = expression`.
struct MacroDecl: Sendable {
    var name: String
    var nameSpan: SourceSpan
    var body: RuleExpr
}

/// `rule NAME { ... }`.
struct RuleDecl: Sendable {
    var name: String
    var nameSpan: SourceSpan
    var when: RuleExpr?
    var severity: (String, SourceSpan)?
    var notify: [(String, SourceSpan)]?
    var message: (String, SourceSpan)?
    var enabled: Bool = true
}

/// Everything declared in one file, in source order.
struct RuleFileAST: Sendable {
    var lets: [LetDecl] = []
    var macros: [MacroDecl] = []
    var rules: [RuleDecl] = []
    var aggregates: [AggregateDecl] = []
}
