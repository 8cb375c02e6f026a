/// Type rules of the comparison operators (RULES.md §3).
extension RuleTypeChecker {
    mutating func comparison(_ op: RuleBinaryOperator, _ lhsExpr: RuleExpr, _ rhsExpr: RuleExpr,
                             opSpan: SourceSpan, file: Int) -> TypedCondition? {
        let left = operand(lhsExpr, file: file)
        let right = operand(rhsExpr, file: file)
        guard case .value(let lhs, let lt) = left, case .value(let rhs, let rt) = right else {
            if case .condition = left {
                error("'\(op.rawValue)' compares values; the left side is a condition", at: lhsExpr.span)
            }
            if case .condition = right {
                error("'\(op.rawValue)' compares values; the right side is a condition", at: rhsExpr.span)
            }
            return nil
        }
        let whole = lhsExpr.span.union(rhsExpr.span)
        switch op {
        case .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual:
            for (type, span) in [(lt, lhsExpr.span), (rt, rhsExpr.span)] {
                if case .list = type {
                    error("'\(op.rawValue)' needs a single value, got \(type); use 'contains' or 'in' for lists", at: span)
                    return nil
                }
                if type == .regex {
                    error("'\(op.rawValue)' cannot compare a regex; use 'matches'", at: span)
                    return nil
                }
            }
            guard let kind = lt.scalarKind, kind == rt.scalarKind else {
                error("cannot compare \(lt) with \(rt)", at: whole)
                return nil
            }
            if op != .equal, op != .notEqual, !kind.isOrdered {
                error("'\(op.rawValue)' needs numbers, money, times or durations, got \(lt) and \(rt)", at: whole)
                return nil
            }
            return .compare(op, lhs, rhs, kind)
        case .in, .notIn:
            guard case .list(let elementKind) = rt else {
                error("'\(op.rawValue)' needs a list on the right, got \(rt)", at: rhsExpr.span)
                return nil
            }
            let leftKind: RuleScalarKind?
            if case .list(let k) = lt { leftKind = k } else { leftKind = lt.scalarKind }
            guard let leftKind, leftKind == elementKind || isEmptyList(rhs) else {
                error("cannot look for \(lt) in a \(rt)", at: whole)
                return nil
            }
            return .membership(lhs, rhs, leftKind, negated: op == .notIn)
        case .contains:
            switch lt {
            case .string:
                guard rt == .string else {
                    error("'contains' on a string needs a string, got \(rt)", at: rhsExpr.span)
                    return nil
                }
                return .contains(lhs, rhs, .string, listLeft: false)
            case .list(let kind):
                guard rt.scalarKind == kind, !isList(rt) else {
                    error("cannot look for \(rt) in a \(lt)", at: whole)
                    return nil
                }
                return .contains(lhs, rhs, kind, listLeft: true)
            default:
                error("'contains' needs a string or a list on the left, got \(lt)", at: lhsExpr.span)
                return nil
            }
        case .startsWith, .endsWith:
            guard lt == .string, rt == .string else {
                error("'\(op.rawValue)' needs strings, got \(lt) and \(rt)", at: whole)
                return nil
            }
            return op == .startsWith ? .startsWith(lhs, rhs) : .endsWith(lhs, rhs)
        case .matches:
            guard lt == .string else {
                error("'matches' needs a string on the left, got \(lt)", at: lhsExpr.span)
                return nil
            }
            guard rt == .regex, case .literal(let literal) = rhs,
                  let program = quietRegex(literal) else {
                error("'matches' needs a regular expression like /hack/i on the right, got \(rt)", at: rhsExpr.span)
                return nil
            }
            return .matches(lhs, program)
        }
    }

    func isList(_ type: RuleValueType) -> Bool {
        if case .list = type { return true }
        return false
    }

    func isEmptyList(_ ref: RuleValueRef) -> Bool {
        if case .literal(.list(let items)) = ref { return items.isEmpty }
        return false
    }

    func quietRegex(_ literal: RuleLiteral) -> RegexProgram? {
        guard case .regex(let pattern, let flags, _) = literal else { return nil }
        return try? RegexProgram(pattern: pattern, flags: flags)
    }
}
