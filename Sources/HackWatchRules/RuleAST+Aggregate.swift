/// `aggregate NAME { over … window … group by … when … severity … cooldown … }`: a rule over
/// many incidents in a window (README "Aggregate rules").
struct AggregateDecl: Sendable {
    var name: String
    var nameSpan: SourceSpan
    /// Which incidents count (nil: all).
    var over: RuleExpr?
    /// `7d`, `2w` (seconds) or `ytd`/`qtd`/`mtd`.
    var window: (AggregateWindowSyntax, SourceSpan)?
    /// The field named by `group by`.
    var groupBy: (String, SourceSpan)?
    var when: AggregateExpr?
    var severity: (String, SourceSpan)?
    var cooldown: (Double, SourceSpan)?
    var notify: [(String, SourceSpan)]?
    var message: (String, SourceSpan)?
    var enabled: Bool = true
    /// The declaration's source text: an edit changes it, so the daemon records the new state silently.
    var text: String = ""
}

/// A window as written.
enum AggregateWindowSyntax: Sendable {
    case duration(Double)
    case calendar(String)
}

/// A condition over an aggregate's figures.
indirect enum AggregateExpr: Sendable {
    case and([AggregateExpr])
    case or([AggregateExpr])
    case not(AggregateExpr)
    case compare(RuleBinaryOperator, AggregateTerm, AggregateTerm, operatorSpan: SourceSpan)
    /// A bare term or literal where a condition is needed (`true`, or a mistake reported later).
    case term(AggregateTerm)
}

/// One figure of an aggregate condition.
indirect enum AggregateTerm: Sendable {
    /// `count`.
    case count(SourceSpan)
    /// `sum(f)`, `max(f)`, `avg(f)`, `distinct(f)`: the function, its field and their spans.
    case function(String, field: String, SourceSpan, fieldSpan: SourceSpan)
    /// `share(EXPR)`.
    case share(RuleExpr, SourceSpan)
    /// `change(X, 1y)`: X's relative change against the same window shifted back.
    case change(AggregateTerm, shift: Double, SourceSpan, shiftSpan: SourceSpan)
    case literal(RuleLiteral, SourceSpan)
    /// A `let` constant (or a mistake: reported by the checker).
    case name(String, SourceSpan)

    var span: SourceSpan {
        switch self {
        case .count(let span), .function(_, _, let span, _), .share(_, let span), .change(_, _, let span, _),
             .literal(_, let span), .name(_, let span): span
        }
    }
}
