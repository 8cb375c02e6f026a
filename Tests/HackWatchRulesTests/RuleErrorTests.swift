import Testing

/// Exact messages and positions of load errors (RULES.md §5), one table row per mistake.
@Suite struct RuleErrorTests {
    static let cases: [(source: String, expected: [String])] = [
        // names
        ("rule a { when los > $100M }", ["1:15: unknown field 'los'; did you mean 'loss'?"]),
        ("rule a { when mega }", ["1:15: unknown field 'mega'"]),
        ("macro mega = loss > 5\nrule a { when mgea }", ["2:15: unknown macro 'mgea'; did you mean 'mega'?"]),
        ("let bridges = [\"a\"]\nrule a { when name in bridgs }", ["2:23: unknown name 'bridgs'; did you mean 'bridges'?"]),
        ("rule a { when techniqe contains \"x\" }", ["1:15: unknown field 'techniqe'; did you mean 'technique'?"]),
        ("let x = 5 let x = 6", ["1:15: 'x' is already defined at t.rules:1:5"]),
        ("let x = 5\nmacro x = loss > 1", ["2:7: 'x' is already defined at t.rules:1:5"]),
        ("let loss = 5", ["1:5: 'loss' is a field name and cannot be redefined"]),
        ("let and = 5", ["1:5: 'and' is a reserved word and cannot name a let"]),
        ("macro when = loss > 1", ["1:7: 'when' is a reserved word and cannot name a macro"]),
        ("macro m = n\nmacro n = m\nrule a { when m }", ["1:7: macro 'm' is recursive: m -> n -> m"]),
        ("macro m = m or loss > 1", ["1:7: macro 'm' is recursive: m -> m"]),
        ("rule a { when loss > 5 }\nrule a { when loss > 6 }", ["2:6: duplicate rule name 'a' (first defined at t.rules:1:6)"]),
        ("rule \"Big one\" { when loss > 5 }\nrule \"Big one\" { when loss > 6 }", ["2:6: duplicate rule name 'Big one' (first defined at t.rules:1:6)"]),
        // rule settings
        ("rule a { when loss > 5 severity hihg }", ["1:33: unknown severity 'hihg'; did you mean 'high'?"]),
        ("rule a { when loss > 5 severity urgent }", ["1:33: unknown severity 'urgent'; use info, low, medium, high or critical"]),
        ("rule a { when loss > 5 notify chta }", ["1:31: unknown sink 'chta'; did you mean 'chat'?"]),
        ("rule a { when loss > 5 notify chat, email }", ["1:37: unknown sink 'email'; the config defines 'chat', 'syslog', 'pager'"]),
        ("rule a { severity high }", ["1:6: rule 'a' has no 'when' condition"]),
        ("rule a { when loss > 5 sevrity high }", ["1:24: unknown rule property 'sevrity'; did you mean 'severity'?"]),
        ("rule a { when loss > 5\n message \"x\"\n message \"y\" }", ["3:2: duplicate 'message' in rule 'a' (first at line 2, column 2)"]),
        ("rule a { when loss > 5 enabled maybe }", ["1:32: expected 'true' or 'false' after 'enabled', found 'maybe'"]),
        ("rule a { when name == \"x\" message 5 }", ["1:35: expected a quoted message template, found a number"]),
        ("rule a { when loss > 5 severity }", ["1:33: expected a severity (info, low, medium, high, critical), found '}'"]),
        // syntax
        ("rule a { when loss > 5 and }", ["1:28: expected an expression, found '}'"]),
        ("rule a { when (loss > 5 }", ["1:15: unclosed '('; expected ')'"]),
        ("rule a { when loss > 5 == 3 }", ["1:24: comparisons cannot be chained; join them with 'and' or 'or'"]),
        ("rule { when loss > 5 }", ["1:6: expected a rule name (identifier or quoted string), found '{'"]),
        ("rule a when loss > 5 }", ["1:8: expected '{' after the rule name, found 'when'"]),
        ("rul a { when loss > 5 }", ["1:1: expected 'let', 'macro' or 'rule', found 'rul'; did you mean 'rule'?"]),
        ("rule a { when loss > 5 } }", ["1:26: expected 'let', 'macro' or 'rule', found '}'"]),
        ("rule a { when loss > 5", ["1:8: unterminated rule 'a'; expected '}'"]),
        ("let x = loss", ["1:9: expected a literal value, found 'loss'; lists and lets hold literals only"]),
        ("rule a { when name in [\"a\" \"b\"] }", ["1:28: expected ',' or ']' in list, found a string"]),
        ("rule a { when name in [[\"a\"]] }", ["1:24: lists cannot be nested"]),
        ("rule a { when name in [\"a\", \"b\"\n severity high }", ["1:23: unterminated list; expected ']'"]),
        ("rule a { when loss > 5 ! name }", ["1:24: unexpected '!'; use 'not' to negate or '!=' to compare"]),
        ("rule a { when loss > 5 & name }", ["1:24: unexpected character '&'"]),
        // literals
        ("rule a { when name == \"abc }", ["1:23: unterminated string"]),
        ("rule a { when name == \"a\\q\" }", ["1:25: invalid escape sequence '\\q' in string; use \\\", \\\\, \\n, \\t or \\u{...}"]),
        ("rule a { when name == \"a\\u{D800}\" }", ["1:25: invalid unicode escape; write \\u{1F600} with 1 to 8 hex digits of a valid scalar"]),
        ("rule a { when date > 2022-13-01 }", ["1:22: invalid date '2022-13-01'; write 2022-03-23 or 2022-03-23T10:00:00Z"]),
        ("rule a { when date > 2022-02-30 }", ["1:22: invalid date '2022-02-30'; write 2022-03-23 or 2022-03-23T10:00:00Z"]),
        ("rule a { when loss > 5q }", ["1:23: unknown suffix 'q' on a number; use k, M, B or bn for money, s, m, h, d, w or y for durations"]),
        ("rule a { when loss > $ }", ["1:22: expected an amount after '$'"]),
        ("rule a { when name in [\"a\", 5] }", ["1:29: list mixes string and number elements"]),
        ("rule a { when name in [2022-01-01] }", ["1:24: list elements must be strings or numbers, got time"]),
        // regular expressions
        ("rule a { when name matches /a(b/ }", ["1:30: invalid regular expression: missing ')'"]),
        ("rule a { when name matches /a/x }", ["1:31: unknown regular expression flag 'x'; use i, s or m"]),
        ("rule a { when name matches /*a/ }", ["1:29: invalid regular expression: nothing to repeat"]),
        ("rule a { when name matches /(a)\\1/ }", ["1:32: invalid regular expression: backreferences are not supported"]),
        ("rule a { when name matches /(?=a)/ }", ["1:29: invalid regular expression: lookaround is not supported"]),
        ("rule a { when name matches /[z-a]/ }", ["1:30: invalid regular expression: character range is out of order"]),
        ("rule a { when name matches /a{5,2}/ }", ["1:30: invalid regular expression: repetition range {5,2} is backwards"]),
        ("rule a { when name matches /a{2000}/ }", ["1:30: invalid regular expression: repetition count above 1000"]),
        ("rule a { when name matches /[abc/ }", ["1:28: unterminated regular expression; end it with '/'"]),
        ("rule a { when name matches /a\\q/ }", ["1:30: invalid regular expression: unknown escape '\\q'"]),
        ("rule a { when name matches /a)/ }", ["1:30: invalid regular expression: unbalanced ')'"]),
        ("rule a { when name matches /(a{100}){100}/ }", ["1:29: invalid regular expression: regular expression too large (over 10000 instructions once repetitions are expanded)"]),
        // types
        ("rule a { when loss > \"x\" }", ["1:15: cannot compare money with string"]),
        ("rule a { when age < 5 }", ["1:15: cannot compare duration with number"]),
        ("rule a { when date > 7d }", ["1:15: cannot compare time with duration"]),
        ("rule a { when bridge == 5 }", ["1:15: cannot compare bool with number"]),
        ("rule a { when name < \"x\" }", ["1:15: '<' needs numbers, money, times or durations, got string and string"]),
        ("rule a { when chains == \"x\" }", ["1:15: '==' needs a single value, got list of string; use 'contains' or 'in' for lists"]),
        ("rule a { when name == /x/ }", ["1:23: '==' cannot compare a regex; use 'matches'"]),
        ("rule a { when name matches \"x\" }", ["1:28: 'matches' needs a regular expression like /hack/i on the right, got string"]),
        ("rule a { when loss matches /x/ }", ["1:15: 'matches' needs a string on the left, got money"]),
        ("rule a { when chains matches /x/ }", ["1:15: 'matches' needs a string on the left, got list of string"]),
        ("rule a { when name in \"x\" }", ["1:23: 'in' needs a list on the right, got string"]),
        ("rule a { when loss in [\"a\"] }", ["1:15: cannot look for money in a list of string"]),
        ("rule a { when chains not in [1, 2] }", ["1:15: cannot look for list of string in a list of number"]),
        ("rule a { when loss contains 5 }", ["1:15: 'contains' needs a string or a list on the left, got money"]),
        ("rule a { when name contains 5 }", ["1:29: 'contains' on a string needs a string, got number"]),
        ("rule a { when chains contains 5 }", ["1:15: cannot look for number in a list of string"]),
        ("rule a { when loss startswith \"x\" }", ["1:15: 'startswith' needs strings, got money and string"]),
        ("rule a { when loss }", ["1:15: 'when' needs a condition (bool), got money"]),
        ("rule a { when \"x\" }", ["1:15: 'when' needs a condition (bool), got string"]),
        ("rule a { when loss > 5 and name }", ["1:28: 'and' needs a condition (bool), got string"]),
        ("rule a { when not loss }", ["1:19: 'not' needs a condition (bool), got money"]),
        ("macro m = loss\nrule a { when m }", ["1:11: macro 'm' needs a condition (bool), got money"]),
        ("rule a { when \"x\" exists }", ["1:15: 'exists' applies to a field, not to a literal"]),
        ("rule a { when (loss > 5) == true }", ["1:16: '==' compares values; the left side is a condition"]),
        // several at once, sorted by position
        ("rule a { when los > 1 severity hgh notify chta }\nrule b { when nme == 1 }", [
            "1:15: unknown field 'los'; did you mean 'loss'?",
            "1:32: unknown severity 'hgh'; did you mean 'high'?",
            "1:43: unknown sink 'chta'; did you mean 'chat'?",
            "2:15: unknown field 'nme'; did you mean 'name'?",
        ]),
    ]

    @Test(arguments: cases)
    func reportsExactly(source: String, expected: [String]) {
        let result = RuleFixtures.load(source)
        #expect(result.diagnostics.map { "\($0.line):\($0.column): \($0.message)" } == expected)
        #expect(result.hasErrors)
        #expect(result.ruleSet == nil)
    }
}
