import Testing
@testable import HackWatchModel
@testable import HackWatchRules

/// The Pike VM regex engine: syntax, flags, and linear time on patterns that make backtracking
/// engines explode.
@Suite struct RegexTests {
    static func search(_ pattern: String, _ flags: String, _ input: String) throws -> Bool {
        try RegexProgram(pattern: pattern, flags: flags).search(text: input)
    }

    static let table: [(String, String, String, Bool)] = [
        ("abc", "", "xxabcxx", true), ("abc", "", "ab", false), ("", "", "anything", true),
        ("a|b|c", "", "zzc", true), ("north korea|dprk", "i", "Linked to DPRK", true),
        ("colou?r", "", "color", true), ("colou?r", "", "colouur", false), ("ab*c", "", "ac", true),
        ("ab+c", "", "ac", false), ("a{3}", "", "aa", false), ("a{3}", "", "baaab", true),
        ("^a{2,3}$", "", "aaaa", false), ("^a{2,}$", "", "aaaaa", true), ("^(ab){1,2}$", "", "abab", true),
        ("^(?:ab|cd)+$", "", "abcdab", true), ("^[a-c]+$", "", "abcabc", true), ("^[^a-c]+$", "", "xyz", true),
        ("^[^a-c]+$", "", "xaz", false), ("\\d+\\.\\d+", "", "v1.25", true), ("^\\w+$", "", "snake_case9", true),
        ("\\s", "", "nospace", false), ("[\\d.]+M", "", "$1.5M", true), ("\\D", "", "123", false),
        ("a.c", "", "a\nc", false), ("a.c", "s", "a\nc", true), ("^b$", "", "a\nb\nc", false),
        ("^b$", "m", "a\nb\nc", true), ("\\bkey\\b", "", "private key leak", true), ("\\bkey\\b", "", "keys", false),
        ("[A-Z]+", "i", "lower", true), ("HACK", "i", "hack", true), ("hack", "", "HACK", false),
        ("é", "i", "CAFÉ", true), ("straße", "i", "STRASSE", true), ("^stra(ß|x)e$", "i", "STRASSE", true), ("^stra(ß|x)e$", "", "STRASSE", false), ("\\x41", "", "A", true), ("a\\/b", "", "a/b", true), ("[/]", "", "/", true),
        ("a*?b", "", "aab", true), ("(a|)+b", "", "b", true), ("a**", "", "", true),
    ]

    @Test(arguments: table)
    func matches(pattern: String, flags: String, input: String, expected: Bool) throws {
        #expect(try Self.search(pattern, flags, input) == expected)
    }

    /// Each of these takes exponential time in a backtracking engine; here they finish at once.
    @Test(arguments: ["(a*)*b", "(a|a)*b", "(a+)+b", "(a|aa)+b", "^(a?){30}a{30}$", "(.*a){20}b"])
    func noCatastrophicBacktracking(pattern: String) throws {
        let input = String(repeating: "a", count: 5_000)
        let expected = pattern.hasPrefix("^(a?)")
        #expect(try Self.search(pattern, "", pattern.hasPrefix("^(a?)") ? String(repeating: "a", count: 30) : input) == expected)
    }

    @Test func vmInputIsBoundedButLiteralsSearchEverything() throws {
        let long = String(repeating: "x", count: 70_000) + " lazarus"
        let incident = Incident(id: "l", source: "s", name: "n", summary: long)
        #expect(try RuleFixtures.evaluate("summary matches /lazarus/i", incident))
        #expect(try RuleFixtures.evaluate("summary contains \"lazarus\"", incident))
        #expect(try !RuleFixtures.evaluate("summary matches /laz[a-z]rus/i", incident))
        // The cut is not the end of the text: `$` does not match there.
        #expect(try !RuleFixtures.evaluate("summary matches /^x+$/", incident))
        #expect(try RuleFixtures.evaluate("summary matches /^x+/", incident))
    }

    @Test func literalAlternationsTakeTheFastPath() throws {
        #expect(try RegexProgram(pattern: "north korea|dprk", flags: "i").literals == [Array("north korea".unicodeScalars.map(\.value)), Array("dprk".unicodeScalars.map(\.value))])
        #expect(try RegexProgram(pattern: "a.b", flags: "").literals == nil)
    }
}
