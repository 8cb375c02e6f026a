import HackWatchModel

/// Pass 3 for aggregates: the figures of `when` are numbers (count, distinct, share, change) or
/// money (sum, max, avg), compared with `==` `!=` `<` `<=` `>` `>=` against each other or
/// number, money and percent literals.
extension RuleTypeChecker {
    static let figureNames = ["count", "sum", "max", "avg", "distinct", "share", "change"]
    static let moneyFields = RuleField.allCases.filter { $0.type == .money }.map(\.rawValue)
    static let groupableFields = RuleField.allCases.filter { $0.type == .string || $0.type == .list(.string) }
        .filter { $0 != .text && $0 != .summary && $0 != .change }

    /// Checks an aggregate's `when`; `shares` collects the typed `share(…)` conditions.
    mutating func aggregateCondition(_ expr: AggregateExpr, file: Int, shares: inout [TypedCondition]) -> AggregateCondition? {
        switch expr {
        case .and(let items), .or(let items):
            var typed: [AggregateCondition] = []
            var failed = false
            for item in items {
                if let t = aggregateCondition(item, file: file, shares: &shares) { typed.append(t) } else { failed = true }
            }
            if failed { return nil }
            if case .and = expr { return .and(typed) }
            return .or(typed)
        case .not(let inner):
            return aggregateCondition(inner, file: file, shares: &shares).map(AggregateCondition.not)
        case .term(.literal(.bool(let value), _)):
            return .constant(value)
        case .term(let term):
            guard let (_, type) = figure(term, file: file, shares: &shares) else { return nil }
            error("'when' needs a condition (bool), got \(type); compare it, e.g. 'count >= 3'", at: term.span)
            return nil
        case .compare(let op, let lhs, let rhs, let opSpan):
            guard [.equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual].contains(op) else {
                error("'\(op.rawValue)' cannot compare figures; use ==, !=, <, <=, > or >=", at: opSpan)
                return nil
            }
            let left = figure(lhs, file: file, shares: &shares), right = figure(rhs, file: file, shares: &shares)
            guard let (a, aType) = left, let (b, bType) = right else { return nil }
            guard aType.isNumeric, bType.isNumeric else {
                error("cannot compare \(aType) with \(bType) using '\(op.rawValue)'", at: lhs.span.union(rhs.span))
                return nil
            }
            return .compare(op, a, b)
        }
    }

    /// A figure and its type (number or money), nil after reporting an error.
    mutating func figure(_ term: AggregateTerm, file: Int, shares: inout [TypedCondition]) -> (AggregateFigure, RuleValueType)? {
        switch term {
        case .count: return (.count, .number)
        case .literal(let literal, let span):
            guard let type = literalType(literal, span: span) else { return nil }
            switch literal {
            case .number(let value), .money(let value): return (.constant(value), type)
            case .bool: return (.constant(0), .bool)
            default:
                error("expected a number, money amount or percentage, got \(type)", at: span)
                return nil
            }
        case .name(let name, let span):
            if let symbol = resolver.visible(name, from: file), case .constant(let decl) = symbol.kind {
                switch decl.value {
                case .number(let value): return (.constant(value), .number)
                case .money(let value): return (.constant(value), .money)
                default:
                    error("'\(name)' is not a number or money amount", at: span)
                    return nil
                }
            }
            var message = "unknown figure '\(name)'"
            if RuleField.byName[name] != nil {
                message = "'\(name)' is an incident field; aggregate conditions use figures such as count, sum(\(name)) or distinct(\(name))"
            } else if let near = Suggest.nearest(name, in: Self.figureNames) {
                message += "; did you mean '\(near)'?"
            } else {
                message += "; use count, sum, max, avg, distinct, share or change"
            }
            error(message, at: span)
            return nil
        case .function(let function, let fieldName, _, let fieldSpan):
            guard let field = RuleField.byName[fieldName] else {
                var message = "unknown field '\(fieldName)'"
                if let near = Suggest.nearest(fieldName, in: RuleField.allCases.map(\.rawValue)) { message += "; did you mean '\(near)'?" }
                error(message, at: fieldSpan)
                return nil
            }
            if function == "distinct" {
                guard Self.groupableFields.contains(field) else {
                    error("'distinct' needs a string or list field, got '\(fieldName)' (\(field.type))", at: fieldSpan)
                    return nil
                }
                return (.distinct(field), .number)
            }
            guard field.type == .money, field != .previousLoss else {
                error("'\(function)' needs a money field (\(Self.moneyFields.filter { $0 != "previous_loss" }.joined(separator: ", "))), got '\(fieldName)' (\(field.type))", at: fieldSpan)
                return nil
            }
            switch function {
            case "sum": return (.sum(field), .money)
            case "max": return (.max(field), .money)
            default: return (.avg(field), .money)
            }
        case .share(let expr, _):
            let typed = condition(expr, file: file, context: "'share'")
            guard let typed else { return nil }
            shares.append(typed)
            return (.share(shares.count - 1), .number)
        case .change(let inner, let seconds, _, let shiftSpan):
            guard let shift = AggregateShift(seconds: seconds) else {
                error("a change's shift must be whole days, weeks or years (1y, 4w, 30d)", at: shiftSpan)
                return nil
            }
            switch inner {
            case .literal, .change:
                error("'change' needs a figure such as sum(loss) or count", at: inner.span)
                return nil
            default: break
            }
            guard let (figure, _) = self.figure(inner, file: file, shares: &shares) else { return nil }
            return (.change(figure, shift), .number)
        }
    }

    /// Every `share(…)` condition in `expr` (their names are resolved with the rules').
    static func shareExpressions(_ expr: AggregateExpr) -> [RuleExpr] {
        func terms(_ term: AggregateTerm) -> [RuleExpr] {
            switch term {
            case .share(let inner, _): return [inner]
            case .change(let inner, _, _, _): return terms(inner)
            default: return []
            }
        }
        switch expr {
        case .and(let items), .or(let items): return items.flatMap(shareExpressions)
        case .not(let inner): return shareExpressions(inner)
        case .term(let term): return terms(term)
        case .compare(_, let a, let b, _): return terms(a) + terms(b)
        }
    }
}
