/// Parses the supported regular-expression syntax (see README "Rules"): literals, `.`, classes
/// `[a-z]`/`[^...]`, `\d \w \s \D \W \S \b \B`, escapes, anchors `^ $`, groups `(...)` and
/// `(?:...)`, alternation, and the quantifiers `* + ? {n} {n,} {n,m}` (lazy `?` accepted).
/// Backreferences and lookaround are rejected: they would need backtracking.
struct RegexParser {
    static let maxGroupDepth = 100
    static let maxCount = 1000

    let s: [UInt32]
    let caseInsensitive: Bool
    var i = 0

    static func parse(_ pattern: String, caseInsensitive: Bool) throws(RegexSyntaxError) -> RegexNode {
        var parser = RegexParser(s: pattern.unicodeScalars.map(\.value), caseInsensitive: caseInsensitive)
        let node = try parser.parseAlternation(depth: 0)
        if parser.i < parser.s.count {
            throw RegexSyntaxError(message: "unbalanced ')'", offset: parser.i)
        }
        return node
    }

    private func peek(_ k: Int = 0) -> UInt32? { i + k < s.count ? s[i + k] : nil }

    private mutating func parseAlternation(depth: Int) throws(RegexSyntaxError) -> RegexNode {
        var branches = [try parseConcat(depth: depth)]
        while peek() == 0x7C { // |
            i += 1
            branches.append(try parseConcat(depth: depth))
        }
        return branches.count == 1 ? branches[0] : .alternate(branches)
    }

    private mutating func parseConcat(depth: Int) throws(RegexSyntaxError) -> RegexNode {
        var items: [RegexNode] = []
        while let c = peek(), c != 0x7C, c != 0x29 { // | )
            var atom = try parseAtom(depth: depth)
            // True right after a quantifier of this atom: only then is a `?` the lazy suffix
            // (`x*?`). A group `(a+)` is already `.repeated` when parsed, so the node's shape
            // cannot tell `(a+)?` (optional) from `a+?` (lazy).
            var quantified = false
            while let q = peek() {
                var minimum = 0, maximum: Int? = nil
                let quantStart = i
                if q == 0x2A { minimum = 0; maximum = nil; i += 1 }            // *
                else if q == 0x2B { minimum = 1; maximum = nil; i += 1 }       // +
                else if q == 0x3F { minimum = 0; maximum = 1; i += 1 }         // ?
                else if q == 0x7B, let counts = try parseCounts() { (minimum, maximum) = counts }
                else { break }
                switch atom {
                case .lineStart, .lineEnd, .wordBoundary, .empty:
                    throw RegexSyntaxError(message: "nothing to repeat", offset: quantStart)
                default: break
                }
                if quantified, i - quantStart == 1, s[quantStart] == 0x3F {
                    // `x*?` / `x+?`: laziness changes nothing for a yes/no search.
                    quantified = false
                    continue
                }
                atom = .repeated(atom, min: minimum, max: maximum)
                quantified = true
            }
            items.append(atom)
        }
        if items.isEmpty { return .empty }
        return items.count == 1 ? items[0] : .concat(items)
    }

    /// `{n}`, `{n,}`, `{n,m}`; nil (and no input consumed) when the brace is a literal.
    private mutating func parseCounts() throws(RegexSyntaxError) -> (Int, Int?)? {
        let start = i
        var j = i + 1
        func number(_ j: inout Int) -> Int? {
            var value = 0, digits = 0
            while j < s.count, RegexCharSet.isDigit(s[j]) {
                value = min(value * 10 + Int(s[j] - 48), 1_000_000)
                digits += 1
                j += 1
            }
            return digits > 0 ? value : nil
        }
        guard let low = number(&j) else { return nil }
        var high: Int? = low
        if j < s.count, s[j] == 0x2C { // ,
            j += 1
            high = number(&j)
        }
        guard j < s.count, s[j] == 0x7D else { return nil }
        i = j + 1
        if low > Self.maxCount || (high ?? 0) > Self.maxCount {
            throw RegexSyntaxError(message: "repetition count above \(Self.maxCount)", offset: start, length: i - start)
        }
        if let high, high < low {
            throw RegexSyntaxError(message: "repetition range {\(low),\(high)} is backwards", offset: start, length: i - start)
        }
        return (low, high)
    }

    /// A literal scalar; under `i` it is case-folded the way inputs are (`ß` becomes `ss`).
    private func literal(_ c: UInt32) -> RegexNode {
        guard caseInsensitive, let scalar = Unicode.Scalar(c) else { return .char(c) }
        if c < 128 { return .char(RegexCase.lower(c)) }
        let folded = CaseFold.foldUnicode(String(Character(scalar))).unicodeScalars.map { RegexNode.char($0.value) }
        return folded.count == 1 ? folded[0] : .concat(folded)
    }

    private mutating func parseAtom(depth: Int) throws(RegexSyntaxError) -> RegexNode {
        let c = s[i]
        switch c {
        case 0x28: // (
            let open = i
            guard depth < Self.maxGroupDepth else {
                throw RegexSyntaxError(message: "groups nested deeper than \(Self.maxGroupDepth)", offset: open)
            }
            i += 1
            if peek() == 0x3F { // ?
                if peek(1) == 0x3A { i += 2 } else {
                    let what = peek(1) == 0x3D || peek(1) == 0x21 || peek(1) == 0x3C ? "lookaround is not supported" : "unsupported group syntax '(?'"
                    throw RegexSyntaxError(message: what, offset: open, length: 2)
                }
            }
            let inner = try parseAlternation(depth: depth + 1)
            guard peek() == 0x29 else { throw RegexSyntaxError(message: "missing ')'", offset: open) }
            i += 1
            return inner
        case 0x29: throw RegexSyntaxError(message: "unbalanced ')'", offset: i)
        case 0x5B: return try parseClass()
        case 0x2E: i += 1; return .any
        case 0x5E: i += 1; return .lineStart
        case 0x24: i += 1; return .lineEnd
        case 0x2A, 0x2B, 0x3F: throw RegexSyntaxError(message: "nothing to repeat", offset: i)
        case 0x5C: // backslash
            let start = i
            i += 1
            guard let e = peek() else { throw RegexSyntaxError(message: "trailing backslash", offset: start) }
            i += 1
            switch e {
            case 0x64: return .set(RegexCharSet(builtins: [(.digit, false)]))
            case 0x44: return .set(RegexCharSet(builtins: [(.digit, true)]))
            case 0x77: return .set(RegexCharSet(builtins: [(.word, false)]))
            case 0x57: return .set(RegexCharSet(builtins: [(.word, true)]))
            case 0x73: return .set(RegexCharSet(builtins: [(.space, false)]))
            case 0x53: return .set(RegexCharSet(builtins: [(.space, true)]))
            case 0x62: return .wordBoundary(negated: false)
            case 0x42: return .wordBoundary(negated: true)
            default: return literal(try escapedScalar(e, start: start))
            }
        default:
            i += 1
            return literal(c)
        }
    }

    /// The scalar an escape like `\n`, `\.` or `\x41` stands for (after the backslash and `e`).
    private mutating func escapedScalar(_ e: UInt32, start: Int) throws(RegexSyntaxError) -> UInt32 {
        switch e {
        case 0x6E: return 10   // n
        case 0x74: return 9    // t
        case 0x72: return 13   // r
        case 0x66: return 12   // f
        case 0x76: return 11   // v
        case 0x30: return 0    // 0
        case 0x78: // xHH
            guard i + 1 < s.count, let v = UInt32(String(decoding: [UInt8(truncatingIfNeeded: s[i]), UInt8(truncatingIfNeeded: s[i + 1])], as: UTF8.self), radix: 16),
                  s[i] < 128, s[i + 1] < 128 else {
                throw RegexSyntaxError(message: "\\x needs two hex digits", offset: start, length: 2)
            }
            i += 2
            return v
        case 0x31...0x39: throw RegexSyntaxError(message: "backreferences are not supported", offset: start, length: 2)
        default:
            if RegexCharSet.isWord(e) {
                var text = "\\"
                text.unicodeScalars.append(Unicode.Scalar(e) ?? "?")
                throw RegexSyntaxError(message: "unknown escape '\(text)'", offset: start, length: 2)
            }
            return e // escaped punctuation stands for itself
        }
    }

    private mutating func parseClass() throws(RegexSyntaxError) -> RegexNode {
        let open = i
        i += 1
        var set = RegexCharSet()
        if peek() == 0x5E { set.negated = true; i += 1 }
        var first = true
        while true {
            guard let c = peek() else { throw RegexSyntaxError(message: "unterminated character class; missing ']'", offset: open) }
            if c == 0x5D, !first { i += 1; break }
            first = false
            let itemStart = i
            var low: UInt32
            if c == 0x5C {
                i += 1
                guard let e = peek() else { throw RegexSyntaxError(message: "unterminated character class; missing ']'", offset: open) }
                i += 1
                switch e {
                case 0x64: set.builtins.append((.digit, false)); continue
                case 0x44: set.builtins.append((.digit, true)); continue
                case 0x77: set.builtins.append((.word, false)); continue
                case 0x57: set.builtins.append((.word, true)); continue
                case 0x73: set.builtins.append((.space, false)); continue
                case 0x53: set.builtins.append((.space, true)); continue
                case 0x62: low = 8
                default: low = try escapedScalar(e, start: itemStart)
                }
            } else {
                low = c
                i += 1
            }
            var high = low
            if peek() == 0x2D, let next = peek(1), next != 0x5D { // a-z
                i += 1
                if next == 0x5C {
                    i += 1
                    guard let e = peek() else { throw RegexSyntaxError(message: "unterminated character class; missing ']'", offset: open) }
                    i += 1
                    high = try escapedScalar(e, start: i - 2)
                } else {
                    high = next
                    i += 1
                }
                if high < low {
                    throw RegexSyntaxError(message: "character range is out of order", offset: itemStart, length: i - itemStart)
                }
            }
            set.ranges.append(low...high)
        }
        return .set(set)
    }
}
