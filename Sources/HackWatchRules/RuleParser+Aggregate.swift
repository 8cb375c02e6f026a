import HackWatchModel

/// `aggregate NAME { … }` and the figures of its `when` (README "Aggregate rules").
extension RuleParser {
    static let aggregateProperties = ["over", "window", "group", "when", "severity", "cooldown", "notify", "message", "enabled"]
    /// The figure functions; `count` is a bare word.
    static let aggregateFunctions: Set<String> = ["sum", "max", "avg", "distinct", "share", "change"]

    mutating func parseAggregate() throws(ParseAbort) {
        let keyword = current.span
        advance()
        let (name, nameSpan) = try declaredName("aggregate")
        let brace = current.span
        try expect(.leftBrace, "'{' after the aggregate name")
        var decl = AggregateDecl(name: name, nameSpan: nameSpan)
        let errorsBefore = diagnostics.count
        var seen: [String: SourceSpan] = [:]
        while true {
            if case .rightBrace = current.kind { advance(); break }
            if atEnd || (current.identifier.map(Self.topKeywords.contains) ?? false) {
                if diagnostics.count == errorsBefore && !lexerFailedInside(from: brace) {
                    error("unterminated aggregate '\(name)'; expected '}'", at: brace)
                }
                break
            }
            let start = pos
            do {
                try parseAggregateProperty(&decl, seen: &seen)
            } catch {
                if pos == start { advance() }
                while !atEnd, !isAggregateBoundary { advance() }
            }
        }
        if decl.when == nil, !seen.keys.contains("when") { error("aggregate '\(name)' has no 'when' condition", at: nameSpan) }
        if decl.window == nil, !seen.keys.contains("window") { error("aggregate '\(name)' has no 'window'", at: nameSpan) }
        let end = tokens[max(pos - 1, 0)].span.end
        decl.text = String(String.UnicodeScalarView(source.scalars[keyword.start..<max(keyword.start, min(end, source.scalars.count))]))
        ast.aggregates.append(decl)
    }

    var isAggregateBoundary: Bool {
        if case .rightBrace = current.kind { return true }
        guard let word = current.identifier else { return false }
        return Self.aggregateProperties.contains(word) || Self.topKeywords.contains(word)
    }

    mutating func parseAggregateProperty(_ decl: inout AggregateDecl, seen: inout [String: SourceSpan]) throws(ParseAbort) {
        let word = try propertyKeyword(of: "aggregate", owner: decl.name, allowed: Self.aggregateProperties,
                                       listing: "over, window, group by, when, severity, cooldown, notify, message, enabled", seen: &seen)
        switch word {
        case "over":
            decl.over = try parseExpression(depth: 0)
        case "window":
            let span = current.span
            switch current.kind {
            case .duration(let seconds): decl.window = (.duration(seconds), span)
            case .identifier(let name) where ["ytd", "qtd", "mtd"].contains(name): decl.window = (.calendar(name), span)
            default: try fail("expected a window (a duration such as 7d, or ytd, qtd, mtd), found \(current.display)")
            }
            advance()
        case "group":
            guard isWord("by") else { try fail("expected 'by' after 'group', found \(current.display)") }
            advance()
            decl.groupBy = try expectIdentifier("a field to group by")
        case "when":
            decl.when = try parseAggregateOr(depth: 0)
        case "cooldown":
            guard case .duration(let seconds) = current.kind else { try fail("expected a duration after 'cooldown', found \(current.display)") }
            decl.cooldown = (seconds, current.span)
            advance()
        default:
            // severity, notify, message, enabled read as in a rule.
            var rule = RuleDecl(name: decl.name, nameSpan: decl.nameSpan)
            var ruleSeen: [String: SourceSpan] = [:]
            pos -= 1
            try parseProperty(&rule, seen: &ruleSeen)
            if rule.severity != nil { decl.severity = rule.severity }
            if rule.notify != nil { decl.notify = rule.notify }
            if rule.message != nil { decl.message = rule.message }
            if word == "enabled" { decl.enabled = rule.enabled }
        }
    }

    // MARK: figures

    mutating func parseAggregateOr(depth: Int) throws(ParseAbort) -> AggregateExpr {
        var items = [try parseAggregateAnd(depth: depth)]
        while isWord("or") { advance(); items.append(try parseAggregateAnd(depth: depth)) }
        return items.count == 1 ? items[0] : .or(items)
    }

    mutating func parseAggregateAnd(depth: Int) throws(ParseAbort) -> AggregateExpr {
        var items = [try parseAggregateNot(depth: depth)]
        while isWord("and") { advance(); items.append(try parseAggregateNot(depth: depth)) }
        return items.count == 1 ? items[0] : .and(items)
    }

    mutating func parseAggregateNot(depth: Int) throws(ParseAbort) -> AggregateExpr {
        var count = 0
        while isWord("not") { count += 1; advance() }
        let inner = try parseAggregateComparison(depth: depth)
        return count % 2 == 1 ? .not(inner) : inner
    }

    mutating func parseAggregateComparison(depth: Int) throws(ParseAbort) -> AggregateExpr {
        if case .leftParen = current.kind {
            guard depth < Self.maxDepth else {
                error("expression nested too deeply (more than \(Self.maxDepth) levels of parentheses)", at: current.span)
                skipBalancedParentheses()
                throw ParseAbort()
            }
            let open = current.span
            advance()
            let inner = try parseAggregateOr(depth: depth + 1)
            guard case .rightParen = current.kind else {
                error("unclosed '('; expected ')'", at: open)
                throw ParseAbort()
            }
            advance()
            return inner
        }
        let lhs = try parseAggregateTerm(depth: depth)
        guard let op = comparisonOperator() else { return .term(lhs) }
        let opSpan = current.span
        advance()
        let rhs = try parseAggregateTerm(depth: depth)
        if comparisonOperator() != nil {
            error("comparisons cannot be chained; join them with 'and' or 'or'", at: current.span)
            throw ParseAbort()
        }
        return .compare(op, lhs, rhs, operatorSpan: opSpan)
    }

    mutating func parseAggregateTerm(depth: Int) throws(ParseAbort) -> AggregateTerm {
        let token = current
        switch token.kind {
        case .identifier("count"):
            advance()
            return .count(token.span)
        case .identifier("true"), .identifier("false"):
            advance()
            return .literal(.bool(token.identifier == "true"), token.span)
        case .identifier(let word) where Self.aggregateFunctions.contains(word):
            advance()
            try expect(.leftParen, "'(' after '\(word)'")
            let term: AggregateTerm
            switch word {
            case "share":
                let inner = try parseExpression(depth: depth + 1)
                term = .share(inner, token.span.union(current.span))
            case "change":
                let inner = try parseAggregateTerm(depth: depth + 1)
                try expect(.comma, "',' and a shift (such as 1y) after the figure in 'change'")
                guard case .duration(let shift) = current.kind else { try fail("expected a shift such as 1y, 4w or 30d, found \(current.display)") }
                let shiftSpan = current.span
                advance()
                term = .change(inner, shift: shift, token.span.union(current.span), shiftSpan: shiftSpan)
            default:
                let (field, fieldSpan) = try expectIdentifier("a field in '\(word)'")
                term = .function(word, field: field, token.span.union(current.span), fieldSpan: fieldSpan)
            }
            try expect(.rightParen, "')' after the argument of '\(word)'")
            return term
        case .identifier(let word):
            if Self.reserved.contains(word) { try fail("expected a figure (count, sum, max, avg, distinct, share, change), found '\(word)'") }
            advance()
            return .name(word, token.span)
        case .string, .number, .money, .duration, .date, .regex, .leftBracket:
            let value = try parseLiteral(allowList: true)
            return .literal(value, token.span.union(tokens[max(pos - 1, 0)].span))
        case .end:
            try fail("expected a figure, found end of file")
        default:
            try fail("expected a figure (count, sum, max, avg, distinct, share, change), found \(token.display)")
        }
    }
}
