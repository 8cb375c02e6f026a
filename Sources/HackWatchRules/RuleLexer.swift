import HackWatchModel
/// Turns one rules file into tokens, reporting every lexical error and carrying on after it.
struct RuleLexer {
    private let source: RuleSource
    private let fileIndex: Int
    private let s: [Unicode.Scalar]
    private var i = 0
    private var line = 1
    private(set) var tokens: [RuleToken] = []
    private(set) var diagnostics: [Diagnostic] = []
    /// Offsets of U+FFFD that stand for invalid UTF-8 (reported by the loader already).
    private let invalidOffsets: Set<Int>

    init(source: RuleSource, fileIndex: Int) {
        self.source = source
        self.fileIndex = fileIndex
        self.s = source.scalars
        self.invalidOffsets = Set(source.invalidBytes.map(\.offset))
    }

    /// Lexes the whole file; the last token is always `.end`.
    static func tokenize(_ source: RuleSource, fileIndex: Int) -> (tokens: [RuleToken], diagnostics: [Diagnostic]) {
        var lexer = RuleLexer(source: source, fileIndex: fileIndex)
        lexer.run()
        return (lexer.tokens, lexer.diagnostics)
    }

    private func span(_ start: Int, _ end: Int) -> SourceSpan { SourceSpan(file: fileIndex, start: start, end: end) }

    private mutating func error(_ message: String, _ start: Int, _ end: Int) {
        diagnostics.append(source.diagnostic(message, at: span(start, max(end, start + 1))))
    }

    private mutating func add(_ kind: RuleToken.Kind, _ start: Int) {
        tokens.append(RuleToken(kind: kind, span: span(start, i), line: line))
    }

    private func peek(_ offset: Int = 0) -> Unicode.Scalar? {
        i + offset < s.count ? s[i + offset] : nil
    }

    static func isIdentifierStart(_ c: Unicode.Scalar) -> Bool {
        (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || c == "_"
    }

    static func isIdentifierPart(_ c: Unicode.Scalar) -> Bool { isIdentifierStart(c) || isDigit(c) }

    static func isDigit(_ c: Unicode.Scalar) -> Bool { c >= "0" && c <= "9" }

    /// Whether `c` begins a token, whitespace or a comment (anything else is junk).
    static func canStartToken(_ c: Unicode.Scalar) -> Bool {
        isIdentifierPart(c) || " \t\r\n#\"/$-[](){},=!<>".unicodeScalars.contains(c)
    }

    private mutating func run() {
        while i < s.count {
            let c = s[i]
            let start = i
            switch c {
            case "\n": line += 1; i += 1
            case " ", "\t", "\r": i += 1
            case "#": while i < s.count, s[i] != "\n" { i += 1 }
            case "\"": lexString()
            case "/": lexRegex()
            case "$": lexNumber(money: true)
            case "-" where peek(1).map(Self.isDigit) == true: lexNumber(money: false)
            case _ where Self.isDigit(c): lexNumber(money: false)
            case _ where Self.isIdentifierStart(c):
                while i < s.count, Self.isIdentifierPart(s[i]) { i += 1 }
                var name = ""
                name.unicodeScalars.append(contentsOf: s[start..<i])
                add(.identifier(name), start)
            case "[": i += 1; add(.leftBracket, start)
            case "]": i += 1; add(.rightBracket, start)
            case "(": i += 1; add(.leftParen, start)
            case ")": i += 1; add(.rightParen, start)
            case "{": i += 1; add(.leftBrace, start)
            case "}": i += 1; add(.rightBrace, start)
            case ",": i += 1; add(.comma, start)
            case "=":
                if peek(1) == "=" { i += 2; add(.equal, start) } else { i += 1; add(.assign, start) }
            case "!":
                if peek(1) == "=" { i += 2; add(.notEqual, start) } else {
                    i += 1
                    error("unexpected '!'; use 'not' to negate or '!=' to compare", start, i)
                    add(.invalid, start)
                }
            case "<":
                if peek(1) == "=" { i += 2; add(.lessEqual, start) } else { i += 1; add(.less, start) }
            case ">":
                if peek(1) == "=" { i += 2; add(.greaterEqual, start) } else { i += 1; add(.greater, start) }
            default:
                // One error for a run of junk (a pasted binary would otherwise give one per byte);
                // bytes already reported as invalid UTF-8 are skipped silently.
                i += 1
                while i < s.count, !Self.canStartToken(s[i]) { i += 1 }
                let junk = (start..<i).filter { !invalidOffsets.contains($0) }
                if let first = junk.first {
                    if junk.count == 1 {
                        error("unexpected character \(Self.describe(s[first]))", first, first + 1)
                    } else {
                        let more = junk.count > 8 ? " ..." : ""
                        let shown = junk.prefix(8).map { Self.describe(s[$0]) }.joined(separator: " ")
                        error("unexpected characters \(shown)\(more)", first, i)
                    }
                }
                add(.invalid, start)
            }
        }
        tokens.append(RuleToken(kind: .end, span: span(s.count, s.count), line: line))
    }

    /// `'x'` for printable scalars, `U+0007` for control and invisible ones.
    static func describe(_ c: Unicode.Scalar) -> String {
        if c.value < 0x20 || c.value == 0x7F || c.properties.generalCategory == .format
            || c.properties.generalCategory == .control {
            return "U+" + String(String(c.value, radix: 16, uppercase: true).leftPadded(4))
        }
        return "'\(Character(c))'"
    }

    private mutating func lexString() {
        let start = i
        i += 1
        var value = ""
        while true {
            guard i < s.count, s[i] != "\n" else {
                error("unterminated string", start, i)
                add(.invalid, start)
                return
            }
            let c = s[i]
            if c == "\"" { i += 1; break }
            if c == "\\" {
                let escapeStart = i
                i += 1
                guard i < s.count, s[i] != "\n" else { continue }
                let e = s[i]
                i += 1
                switch e {
                case "\"": value.unicodeScalars.append("\"")
                case "\\": value.unicodeScalars.append("\\")
                case "n": value.unicodeScalars.append("\n")
                case "t": value.unicodeScalars.append("\t")
                case "r": value.unicodeScalars.append("\r")
                case "u":
                    var hex = ""
                    var closed = false
                    if i < s.count, s[i] == "{" {
                        i += 1
                        while i < s.count, s[i] != "\n", s[i] != "\"" {
                            if s[i] == "}" { closed = true; i += 1; break }
                            hex.unicodeScalars.append(s[i])
                            i += 1
                        }
                    }
                    if closed, (1...8).contains(hex.count), let v = UInt32(hex, radix: 16), let scalar = Unicode.Scalar(v) {
                        value.unicodeScalars.append(scalar)
                    } else {
                        error("invalid unicode escape; write \\u{1F600} with 1 to 8 hex digits of a valid scalar", escapeStart, i)
                    }
                default:
                    error("invalid escape sequence '\\\(Character(e))' in string; use \\\", \\\\, \\n, \\t or \\u{...}", escapeStart, i)
                }
                continue
            }
            value.unicodeScalars.append(c)
            i += 1
        }
        add(.string(value), start)
    }

    private mutating func lexRegex() {
        let start = i
        i += 1
        let patternStart = i
        var inClass = false
        while true {
            guard i < s.count, s[i] != "\n" else {
                error("unterminated regular expression; end it with '/'", start, i)
                add(.invalid, start)
                return
            }
            let c = s[i]
            if c == "\\" { i += 2; continue }
            if inClass { if c == "]" { inClass = false } } else if c == "[" { inClass = true } else if c == "/" { break }
            i += 1
        }
        var pattern = ""
        pattern.unicodeScalars.append(contentsOf: s[patternStart..<min(i, s.count)])
        i += 1
        var flags = ""
        while i < s.count, Self.isIdentifierPart(s[i]) {
            let f = s[i]
            if f == "i" || f == "s" || f == "m" {
                flags.unicodeScalars.append(f)
            } else {
                error("unknown regular expression flag \(Self.describe(f)); use i, s or m", i, i + 1)
            }
            i += 1
        }
        add(.regex(pattern: pattern, flags: flags, patternStart: patternStart), start)
    }

    private mutating func lexNumber(money: Bool) {
        let start = i
        if money {
            i += 1
            guard i < s.count, Self.isDigit(s[i]) else {
                error("expected an amount after '$'", start, i)
                add(.invalid, start)
                return
            }
        }
        // A date: four digits and a dash.
        if !money, i + 4 < s.count, (0..<4).allSatisfy({ Self.isDigit(s[i + $0]) }), s[i + 4] == "-" {
            lexDate()
            return
        }
        var digits = ""
        if s[i] == "-" { digits = "-"; i += 1 }
        var seenDot = false
        while i < s.count {
            let c = s[i]
            if Self.isDigit(c) { digits.unicodeScalars.append(c); i += 1; continue }
            let nextIsDigit = i + 1 < s.count && Self.isDigit(s[i + 1])
            if c == "_", nextIsDigit { i += 1; continue }
            if c == ".", nextIsDigit, !seenDot { seenDot = true; digits += "."; i += 1; continue }
            // Thousands separators only in $-amounts, and only before exactly three digits.
            if c == ",", money, !seenDot, (1...3).allSatisfy({ i + $0 < s.count && Self.isDigit(s[i + $0]) }),
               !(i + 4 < s.count && Self.isDigit(s[i + 4])) { i += 1; continue }
            break
        }
        let suffixStart = i
        while i < s.count, Self.isIdentifierStart(s[i]) { i += 1 }
        var suffix = ""
        suffix.unicodeScalars.append(contentsOf: s[suffixStart..<i])
        guard let base = Double(digits), base.isFinite else {
            error("invalid number", start, i)
            add(.invalid, start)
            return
        }
        let moneyScale: [String: Double] = ["": 1, "k": 1e3, "K": 1e3, "M": 1e6, "B": 1e9, "bn": 1e9]
        let durationScale: [String: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86_400, "w": 604_800, "y": 31_536_000]
        if money {
            // After '$' a lowercase m or b can only mean millions or billions.
            let scale = moneyScale[suffix] ?? ["m": 1e6, "b": 1e9][suffix]
            if let scale { add(.money(base * scale), start); return }
        } else if suffix.isEmpty {
            // `60%`: a fraction (aggregate shares and changes are fractions).
            if i < s.count, s[i] == "%" { i += 1; add(.number(base / 100), start); return }
            add(.number(base), start); return
        } else if let scale = moneyScale[suffix] {
            add(.money(base * scale), start); return
        } else if let scale = durationScale[suffix] {
            add(.duration(base * scale), start); return
        }
        error("unknown suffix '\(suffix)' on a number; use k, M, B or bn for money, s, m, h, d, w or y for durations",
              suffixStart, i)
        add(.invalid, start)
    }

    private mutating func lexDate() {
        let start = i
        while i < s.count {
            let c = s[i]
            if Self.isDigit(c) || c == "-" || c == ":" || c == "." || c == "+" || c == "T" || c == "Z" { i += 1 } else { break }
        }
        var text = ""
        text.unicodeScalars.append(contentsOf: s[start..<i])
        if let date = Incident.parseDate(text), Self.calendarValid(text) {
            add(.date(date.timeIntervalSince1970), start)
        } else {
            error("invalid date '\(text)'; write 2022-03-23 or 2022-03-23T10:00:00Z", start, i)
            add(.invalid, start)
        }
    }

    /// Rejects days past the month's end (2022-02-30), which `parseDate` would roll over.
    static func calendarValid(_ text: String) -> Bool {
        let parts = text.prefix(10).split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3 else { return false }
        let (year, month, day) = (parts[0], parts[1], parts[2])
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        return (1...12).contains(month) && day >= 1 && day <= days[month - 1]
    }
}
