import Foundation
import HackWatchModel

/// Thrown inside the parser to abandon the current declaration after its error was reported.
struct ParseAbort: Error {}

/// Recursive-descent parser for one file's tokens. Every syntax error is reported, then the parser
/// skips to the next property or declaration, so one mistake never hides the next.
/// Nesting is bounded (`maxDepth`), so hostile input cannot exhaust the stack.
struct RuleParser {
    /// Deepest parenthesis nesting accepted in one expression.
    static let maxDepth = 200
    static let topKeywords: Set<String> = ["let", "macro", "rule", "aggregate"]
    static let propertyKeywords = ["when", "severity", "notify", "message", "enabled"]
    /// Words that cannot name a field, `let` or `macro`.
    static let reserved: Set<String> = [
        "and", "or", "not", "in", "contains", "startswith", "endswith", "matches", "exists", "true", "false",
        "let", "macro", "rule", "when", "severity", "notify", "message", "enabled", "aggregate",
    ]

    let source: RuleSource
    let tokens: [RuleToken]
    var pos = 0
    var diagnostics: [Diagnostic] = []
    var ast = RuleFileAST()

    init(source: RuleSource, tokens: [RuleToken]) {
        self.source = source
        self.tokens = tokens
    }

    /// Parses a whole file.
    static func parse(_ source: RuleSource, tokens: [RuleToken]) -> (RuleFileAST, [Diagnostic]) {
        var parser = RuleParser(source: source, tokens: tokens)
        parser.parseFile()
        return (parser.ast, parser.diagnostics)
    }

    // MARK: helpers

    var current: RuleToken { tokens[pos] }
    var atEnd: Bool { if case .end = current.kind { return true } else { return false } }

    mutating func advance() {
        if pos < tokens.count - 1 { pos += 1 }
    }

    func isWord(_ word: String) -> Bool { current.identifier == word }

    mutating func error(_ message: String, at span: SourceSpan) {
        diagnostics.append(source.diagnostic(message, at: span))
    }

    /// Reports `message` at the current token (unless the lexer already reported it) and aborts.
    mutating func fail(_ message: String) throws(ParseAbort) -> Never {
        if case .invalid = current.kind {} else { error(message, at: current.span) }
        throw ParseAbort()
    }

    mutating func expect(_ kind: RuleToken.Kind, _ what: String) throws(ParseAbort) {
        guard current.kind == kind else { try fail("expected \(what), found \(current.display)") }
        advance()
    }

    mutating func expectIdentifier(_ what: String) throws(ParseAbort) -> (String, SourceSpan) {
        guard let name = current.identifier else { try fail("expected \(what), found \(current.display)") }
        let span = current.span
        advance()
        return (name, span)
    }

    /// Skips to the next `let`/`macro`/`rule` (always moving at least one token).
    mutating func syncTopLevel() {
        advance()
        while !atEnd, !(current.identifier.map(Self.topKeywords.contains) ?? false) { advance() }
    }

    // MARK: declarations

    mutating func parseFile() {
        while !atEnd {
            let start = pos
            do {
                switch current.identifier {
                case "let": try parseLet()
                case "macro": try parseMacro()
                case "rule": try parseRule()
                case "aggregate": try parseAggregate()
                default:
                    if case .invalid = current.kind {} else {
                        var message = "expected 'let', 'macro' or 'rule', found \(current.display)"
                        if let word = current.identifier, let near = Suggest.nearest(word, in: Self.topKeywords.sorted()) {
                            message += "; did you mean '\(near)'?"
                        }
                        error(message, at: current.span)
                    }
                    throw ParseAbort()
                }
            } catch {
                if pos == start || !(current.identifier.map(Self.topKeywords.contains) ?? false) { syncTopLevel() }
            }
        }
    }

    mutating func declaredName(_ what: String) throws(ParseAbort) -> (String, SourceSpan) {
        let (name, span) = try expectIdentifier("a name for the \(what)")
        if Self.reserved.contains(name) {
            error("'\(name)' is a reserved word and cannot name a \(what)", at: span)
            throw ParseAbort()
        }
        return (name, span)
    }

    mutating func parseLet() throws(ParseAbort) {
        advance()
        let (name, nameSpan) = try declaredName("let")
        try expect(.assign, "'=' after the let name")
        let start = current.span
        let value = try parseLiteral(allowList: true)
        ast.lets.append(LetDecl(name: name, nameSpan: nameSpan, value: value, valueSpan: start.union(tokens[pos - 1].span)))
    }

    mutating func parseMacro() throws(ParseAbort) {
        advance()
        let (name, nameSpan) = try declaredName("macro")
        try expect(.assign, "'=' after the macro name")
        do {
            let body = try parseExpression(depth: 0)
            ast.macros.append(MacroDecl(name: name, nameSpan: nameSpan, body: body))
        } catch {
            // Keep the name defined so rules using it do not add "unknown macro" errors.
            ast.macros.append(MacroDecl(name: name, nameSpan: nameSpan, body: .invalid(nameSpan)))
            throw error
        }
    }

    mutating func parseRule() throws(ParseAbort) {
        advance()
        let name: String
        let nameSpan = current.span
        switch current.kind {
        case .identifier(let word): name = word
        case .string(let text):
            name = text
            if text.trimmingCharacters(in: .whitespaces).isEmpty { error("rule name is empty", at: nameSpan) }
        default: try fail("expected a rule name (identifier or quoted string), found \(current.display)")
        }
        advance()
        let brace = current.span
        try expect(.leftBrace, "'{' after the rule name")
        var rule = RuleDecl(name: name, nameSpan: nameSpan)
        let errorsBefore = diagnostics.count
        var seen: [String: SourceSpan] = [:]
        while true {
            if case .rightBrace = current.kind { advance(); break }
            if atEnd || (current.identifier.map(Self.topKeywords.contains) ?? false) {
                // After an error inside the rule (say an unterminated string that ate the '}'),
                // a missing brace is most likely a consequence: do not pile on.
                if diagnostics.count == errorsBefore && !lexerFailedInside(from: brace) {
                    error("unterminated rule '\(name)'; expected '}'", at: brace)
                }
                break
            }
            let start = pos
            do {
                try parseProperty(&rule, seen: &seen)
            } catch {
                if pos == start { advance() }
                while !atEnd, !isPropertyBoundary { advance() }
            }
        }
        if rule.when == nil, !seen.keys.contains("when") {
            error("rule '\(name)' has no 'when' condition", at: nameSpan)
        }
        ast.rules.append(rule)
    }

    /// Whether the lexer reported a problem between `span` and the current token.
    func lexerFailedInside(from span: SourceSpan) -> Bool {
        var index = pos
        while index > 0, tokens[index].span.start > span.start {
            if case .invalid = tokens[index].kind { return true }
            index -= 1
        }
        return false
    }

    var isPropertyBoundary: Bool {
        if case .rightBrace = current.kind { return true }
        guard let word = current.identifier else { return false }
        return Self.propertyKeywords.contains(word) || Self.topKeywords.contains(word)
    }

    /// Reads the keyword that opens a property of a `kind` block ("rule", "aggregate") named
    /// `owner`, one of `allowed` (`listing` spells them for the message). An unknown word aborts
    /// with a suggestion; a repeated one is reported and parsed again, so later errors still show.
    mutating func propertyKeyword(of kind: String, owner: String, allowed: [String], listing: String,
                                  seen: inout [String: SourceSpan]) throws(ParseAbort) -> String {
        guard let word = current.identifier, allowed.contains(word) else {
            let article = kind.first.map { "aeiou".contains($0) } == true ? "an" : "a"
            var message = "expected \(article) \(kind) property (\(listing)) or '}', found \(current.display)"
            if let word = current.identifier {
                message = "unknown \(kind) property '\(word)'"
                if let near = Suggest.nearest(word, in: allowed) { message += "; did you mean '\(near)'?" }
            }
            try fail(message)
        }
        let keywordSpan = current.span
        if let first = seen[word] {
            let (line, column) = source.location(of: first.start)
            error("duplicate '\(word)' in \(kind) '\(owner)' (first at line \(line), column \(column))", at: keywordSpan)
        }
        seen[word] = keywordSpan
        advance()
        return word
    }

    mutating func parseProperty(_ rule: inout RuleDecl, seen: inout [String: SourceSpan]) throws(ParseAbort) {
        let word = try propertyKeyword(of: "rule", owner: rule.name, allowed: Self.propertyKeywords,
                                       listing: "when, severity, notify, message, enabled", seen: &seen)
        switch word {
        case "when":
            rule.when = try parseExpression(depth: 0)
        case "severity":
            let (value, span) = try expectIdentifier("a severity (info, low, medium, high, critical)")
            rule.severity = (value, span)
        case "notify":
            var sinks: [(String, SourceSpan)] = []
            repeat {
                if !sinks.isEmpty { advance() }
                switch current.kind {
                case .identifier(let sink), .string(let sink): sinks.append((sink, current.span)); advance()
                default: try fail("expected a sink name, found \(current.display)")
                }
            } while current.kind == .comma
            rule.notify = sinks
        case "message":
            guard case .string(let text) = current.kind else { try fail("expected a quoted message template, found \(current.display)") }
            rule.message = (text, current.span)
            advance()
        default: // enabled
            switch current.identifier {
            case "true": rule.enabled = true
            case "false": rule.enabled = false
            default: try fail("expected 'true' or 'false' after 'enabled', found \(current.display)")
            }
            advance()
        }
    }
}
