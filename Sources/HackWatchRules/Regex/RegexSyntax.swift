/// A set of scalars: ranges and the `\d`, `\w`, `\s` classes (each possibly negated).
struct RegexCharSet: Sendable {
    enum Builtin: Sendable { case digit, word, space }
    var ranges: [ClosedRange<UInt32>] = []
    var builtins: [(Builtin, negated: Bool)] = []
    var negated = false

    static func isDigit(_ c: UInt32) -> Bool { c >= 48 && c <= 57 }
    static func isWord(_ c: UInt32) -> Bool {
        (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c == 95
    }
    static func isSpace(_ c: UInt32) -> Bool { c == 32 || (c >= 9 && c <= 13) || c == 0x85 || c == 0xA0 || c == 0x2028 || c == 0x2029 }

    static func builtin(_ kind: Builtin, _ c: UInt32) -> Bool {
        switch kind {
        case .digit: isDigit(c)
        case .word: isWord(c)
        case .space: isSpace(c)
        }
    }

    func containsRaw(_ c: UInt32) -> Bool {
        for range in ranges where range.contains(c) { return true }
        for (kind, neg) in builtins where Self.builtin(kind, c) != neg { return true }
        return false
    }

    /// Membership; with `caseInsensitive` a scalar also matches through its simple case variants.
    func contains(_ c: UInt32, caseInsensitive: Bool) -> Bool {
        var hit = containsRaw(c)
        if !hit, caseInsensitive {
            hit = containsRaw(RegexCase.upper(c)) || containsRaw(RegexCase.lower(c))
        }
        return hit != negated
    }
}

/// Simple (one scalar to one scalar) case mappings used by the `i` flag.
enum RegexCase {
    static func lower(_ c: UInt32) -> UInt32 {
        if c < 128 { return (c >= 65 && c <= 90) ? c + 32 : c }
        guard let scalar = Unicode.Scalar(c) else { return c }
        let mapped = scalar.properties.lowercaseMapping.unicodeScalars
        return mapped.count == 1 ? mapped.first!.value : c
    }

    static func upper(_ c: UInt32) -> UInt32 {
        if c < 128 { return (c >= 97 && c <= 122) ? c - 32 : c }
        guard let scalar = Unicode.Scalar(c) else { return c }
        let mapped = scalar.properties.uppercaseMapping.unicodeScalars
        return mapped.count == 1 ? mapped.first!.value : c
    }
}

/// A parsed regular expression.
indirect enum RegexNode: Sendable {
    case empty
    case char(UInt32)
    case any
    case set(RegexCharSet)
    case concat([RegexNode])
    case alternate([RegexNode])
    case repeated(RegexNode, min: Int, max: Int?)
    case lineStart, lineEnd
    case wordBoundary(negated: Bool)
}

/// A regular-expression syntax error: message and scalar offset within the pattern.
struct RegexSyntaxError: Error, Sendable {
    var message: String
    var offset: Int
    var length: Int = 1
}
