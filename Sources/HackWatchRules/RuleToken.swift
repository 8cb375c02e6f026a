/// A lexical token of the rule language.
struct RuleToken: Sendable {
    enum Kind: Equatable, Sendable {
        /// `[A-Za-z_][A-Za-z0-9_]*`; keywords are identifiers the parser recognises in context.
        case identifier(String)
        case string(String)
        /// A plain number (`42`, `1.5`, `1_000`).
        case number(Double)
        /// USD (`$100M`, `250k`, `$1,000,000`).
        case money(Double)
        /// Seconds (`90s`, `7d`).
        case duration(Double)
        /// Seconds since 1970 (`2022-03-23`, `2022-03-23T10:00:00Z`).
        case date(Double)
        /// `/pattern/flags`; `patternStart` is the scalar offset of the pattern's first scalar.
        case regex(pattern: String, flags: String, patternStart: Int)
        case leftBracket, rightBracket, leftParen, rightParen, leftBrace, rightBrace, comma, assign
        case equal, notEqual, less, lessEqual, greater, greaterEqual
        /// A token the lexer could not read (already reported).
        case invalid
        case end
    }

    var kind: Kind
    var span: SourceSpan
    /// Line (1-based) where the token starts, for deciding whether a list or paren was left open.
    var line: Int

    /// The identifier's text, if this is one.
    var identifier: String? {
        if case .identifier(let name) = kind { return name }
        return nil
    }

    /// How the token reads in "expected X, found Y" messages.
    var display: String {
        switch kind {
        case .identifier(let name): return "'\(name)'"
        case .string: return "a string"
        case .number: return "a number"
        case .money: return "a money amount"
        case .duration: return "a duration"
        case .date: return "a date"
        case .regex: return "a regular expression"
        case .leftBracket: return "'['"
        case .rightBracket: return "']'"
        case .leftParen: return "'('"
        case .rightParen: return "')'"
        case .leftBrace: return "'{'"
        case .rightBrace: return "'}'"
        case .comma: return "','"
        case .assign: return "'='"
        case .equal: return "'=='"
        case .notEqual: return "'!='"
        case .less: return "'<'"
        case .lessEqual: return "'<='"
        case .greater: return "'>'"
        case .greaterEqual: return "'>='"
        case .invalid: return "an invalid token"
        case .end: return "end of file"
        }
    }
}
