/// Expressions: `or` < `and` < `not` < comparisons < primaries (RULES.md §3).
extension RuleParser {
    static let comparisonWords: [String: RuleBinaryOperator] = [
        "in": .in, "contains": .contains, "startswith": .startsWith, "endswith": .endsWith, "matches": .matches,
    ]

    mutating func parseExpression(depth: Int) throws(ParseAbort) -> RuleExpr {
        var items = [try parseAnd(depth: depth)]
        while isWord("or") {
            advance()
            items.append(try parseAnd(depth: depth))
        }
        return items.count == 1 ? items[0] : .or(items)
    }

    mutating func parseAnd(depth: Int) throws(ParseAbort) -> RuleExpr {
        var items = [try parseNot(depth: depth)]
        while isWord("and") {
            advance()
            items.append(try parseNot(depth: depth))
        }
        return items.count == 1 ? items[0] : .and(items)
    }

    /// `not not x` is read in a loop and folded by parity, so a long chain costs no stack.
    mutating func parseNot(depth: Int) throws(ParseAbort) -> RuleExpr {
        var count = 0
        var first: SourceSpan?
        while isWord("not") {
            if first == nil { first = current.span }
            count += 1
            advance()
        }
        let inner = try parseComparison(depth: depth)
        if count % 2 == 1, let first { return .not(inner, first) }
        return inner
    }

    func comparisonOperator() -> RuleBinaryOperator? {
        switch current.kind {
        case .equal: return .equal
        case .notEqual: return .notEqual
        case .less: return .less
        case .lessEqual: return .lessEqual
        case .greater: return .greater
        case .greaterEqual: return .greaterEqual
        case .identifier(let word):
            if word == "not", pos + 1 < tokens.count, tokens[pos + 1].identifier == "in" { return .notIn }
            return Self.comparisonWords[word]
        default: return nil
        }
    }

    mutating func parseComparison(depth: Int) throws(ParseAbort) -> RuleExpr {
        let lhs = try parsePrimary(depth: depth)
        if isWord("exists") {
            let span = current.span
            advance()
            return .exists(lhs, span)
        }
        guard let op = comparisonOperator() else { return lhs }
        var opSpan = current.span
        advance()
        if op == .notIn { opSpan = opSpan.union(current.span); advance() }
        let rhs = try parsePrimary(depth: depth)
        if comparisonOperator() != nil || isWord("exists") {
            error("comparisons cannot be chained; join them with 'and' or 'or'", at: current.span)
            throw ParseAbort()
        }
        return .binary(op, lhs, rhs, operatorSpan: opSpan)
    }

    mutating func parsePrimary(depth: Int) throws(ParseAbort) -> RuleExpr {
        let token = current
        switch token.kind {
        case .leftParen:
            guard depth < Self.maxDepth else {
                error("expression nested too deeply (more than \(Self.maxDepth) levels of parentheses)", at: token.span)
                skipBalancedParentheses()
                throw ParseAbort()
            }
            advance()
            let inner = try parseExpression(depth: depth + 1)
            guard case .rightParen = current.kind else {
                if atEnd || isPropertyBoundary || current.line != token.line {
                    error("unclosed '('; expected ')'", at: token.span)
                    throw ParseAbort()
                }
                try fail("expected ')', found \(current.display)")
            }
            advance()
            return inner
        case .identifier(let word):
            if word == "true" || word == "false" {
                advance()
                return .literal(.bool(word == "true"), token.span)
            }
            if Self.reserved.contains(word) { try fail("expected an expression, found '\(word)'") }
            advance()
            return .name(word, token.span)
        case .string, .number, .money, .duration, .date, .regex, .leftBracket:
            let value = try parseLiteral(allowList: true)
            return .literal(value, token.span.union(tokens[max(pos - 1, 0)].span))
        case .end:
            try fail("expected an expression, found end of file")
        default:
            try fail("expected an expression, found \(token.display)")
        }
    }

    /// Skips from a '(' to its matching ')' (or the end), iteratively.
    mutating func skipBalancedParentheses() {
        var open = 0
        repeat {
            switch current.kind {
            case .leftParen: open += 1
            case .rightParen: open -= 1
            default: break
            }
            advance()
        } while open > 0 && !atEnd
    }

    /// A literal: scalar, regex, `true`/`false`, or (when allowed) a flat list of scalars.
    mutating func parseLiteral(allowList: Bool) throws(ParseAbort) -> RuleLiteral {
        let token = current
        switch token.kind {
        case .string(let text): advance(); return .string(text)
        case .number(let value): advance(); return .number(value)
        case .money(let value): advance(); return .money(value)
        case .duration(let value): advance(); return .duration(value)
        case .date(let value): advance(); return .date(value)
        case .regex(let pattern, let flags, let start): advance(); return .regex(pattern: pattern, flags: flags, patternStart: start)
        case .identifier("true"): advance(); return .bool(true)
        case .identifier("false"): advance(); return .bool(false)
        case .leftBracket:
            guard allowList else { try fail("lists cannot be nested") }
            advance()
            var items: [(RuleLiteral, SourceSpan)] = []
            while true {
                if case .rightBracket = current.kind { advance(); break }
                if !items.isEmpty {
                    if case .comma = current.kind {
                        advance()
                        if case .rightBracket = current.kind { advance(); break } // trailing comma
                    } else if isLiteralStart, current.line == token.line {
                        try fail("expected ',' or ']' in list, found \(current.display)")
                    } else {
                        error("unterminated list; expected ']'", at: token.span)
                        throw ParseAbort()
                    }
                }
                if atEnd || (!isLiteralStart && current.line != token.line) {
                    error("unterminated list; expected ']'", at: token.span)
                    throw ParseAbort()
                }
                let start = current.span
                let item = try parseLiteral(allowList: false)
                items.append((item, start))
            }
            return .list(items)
        default:
            if case .identifier(let word) = token.kind, !Self.reserved.contains(word) {
                try fail("expected a literal value, found '\(word)'; lists and lets hold literals only")
            }
            try fail("expected a literal value, found \(token.display)")
        }
    }

    var isLiteralStart: Bool {
        switch current.kind {
        case .string, .number, .money, .duration, .date, .regex, .leftBracket: return true
        case .identifier(let word): return word == "true" || word == "false"
        default: return false
        }
    }
}
