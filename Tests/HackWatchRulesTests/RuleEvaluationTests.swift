import Foundation
import Testing
@testable import HackWatchModel
@testable import HackWatchRules

/// Every operator against a fully known incident, an incident of unknowns, and non-ASCII text.
@Suite struct RuleEvaluationTests {
    static let prelude = """
        let big_money = $100M
        let bridges = ["Bridge", "Cross-chain"]
        let pattern = /lazarus|dprk/i
        macro big = loss >= big_money
        macro bridgey = bridge or target in bridges
        """

    static let known: [(String, Bool)] = [
        // numbers and money
        ("loss >= $624M", true), ("loss > $624M", false), ("loss == 624000000", true), ("loss != $1", true),
        ("loss < 1B", true), ("loss <= $624,000,000", true), ("loss > 623_999_999.5", true), ("loss >= 1bn", false),
        ("returned == $30M", true), ("net_loss == $594M", true), ("loss in [$624M, 1]", true), ("loss not in [1, 2]", true),
        // times and durations
        ("date == 2022-03-23", true), ("date < 2022-03-23T00:00:01Z", true), ("date > 2022-03-23T00:00:00Z", false),
        ("age > 2w", true), ("age < 7d", false), ("age >= 90s", true),
        // strings: case-insensitive
        ("name == \"ronin bridge\"", true), ("name != \"RONIN BRIDGE\"", false), ("name != \"Nomad\"", true),
        ("name contains \"BRIDGE\"", true), ("name contains \"nomad\"", false), ("name startswith \"ron\"", true),
        ("name endswith \"DGE\"", true), ("name startswith \"bridge\"", false), ("name == url", false),
        ("target in [\"bridge\", \"cex\"]", true), ("target not in [\"cex\"]", true), ("target not in [\"BRIDGE\"]", false),
        // regular expressions
        ("name matches /^ronin/i", true), ("name matches /^ronin/", false), ("summary matches /\\$\\d+M/", true),
        ("text matches /hacked$/m", true), ("text matches /hacked$/", false), ("text matches /hacked.lazarus/is", true),
        ("text matches /hacked.lazarus/i", false), ("summary matches pattern", true), ("name matches /\\bbridge\\b/i", true),
        ("name matches /\\Bbridge/i", false), ("name matches /\\Bridge/i", true), ("url matches /^https:\\/\\/[a-z.]+\\/ronin$/", true),
        // lists
        ("chains contains \"ethereum\"", true), ("chains contains \"solana\"", false), ("chains in [\"RONIN\", \"x\"]", true),
        ("chains not in [\"solana\"]", true), ("chains not in [\"ronin\"]", false), ("\"Ethereum\" in chains", true),
        ("sources contains \"rekt\"", true), ("tags in [\"DPRK\"]", true), ("chains in []", false),
        // bools
        ("bridge", true), ("bridge == true", true), ("not bridge", false), ("bridge != false", true), ("update", false),
        ("update == false", true),
        // exists
        ("attribution exists", true), ("loss exists", true), ("chains exists", true), ("date exists", true), ("age exists", true),
        // logic, lets, macros
        ("loss > 1 and name == \"x\"", false), ("loss > 1 or name == \"x\"", true), ("not (loss > 1)", false),
        ("not not loss > 1", true), ("big and bridgey", true), ("not big", false), ("true", true), ("false or big", true),
        ("loss > 1 and (name == \"x\" or (bridge and not update))", true),
        ("attribution contains \"lazarus\"", true),
    ]

    static let unknown: [(String, Bool)] = [
        // any comparison with null is false, including != and not in; `not` negates that result
        ("loss > 0", false), ("loss != 5", false), ("not loss > 0", true), ("loss == 5 or not loss exists", true),
        ("loss in [1]", false), ("loss not in [1]", false), ("net_loss < 1", false), ("returned != 0", false),
        ("attribution contains \"x\"", false), ("attribution != \"x\"", false), ("attribution not in [\"x\"]", false),
        ("not attribution == \"x\"", true), ("attribution startswith \"\"", false), ("summary matches /.*/", false),
        ("bridge", false), ("not bridge", true), ("bridge == false", false), ("bridge != true", false),
        ("date < 2030-01-01", false), ("age > 0s", false), ("age < 1000w", false),
        ("big", false), ("bridgey", false), ("not big", true),
        // empty lists: no element is in anything
        ("chains contains \"x\"", false), ("chains in [\"x\"]", false), ("chains not in [\"x\"]", true),
        // exists
        ("bridge exists", false), ("chains exists", false), ("net_loss exists", false), ("title exists", false),
        ("update exists", true), ("name exists", true), ("text exists", true), ("sources exists", true),
        ("text matches /mystery/i", true), ("source == \"RSS\"", true),
    ]

    static let folded: [(String, Bool)] = [
        ("name == \"straße finance\"", true), ("name startswith \"STRAßE\"", true),
        ("summary contains \"ärger\"", true), ("summary contains \"ÜBER\"", true), ("summary contains \"σίσυφος\"", true),
        ("chains contains \"éthereum\"", true), ("chains in [\"Éthereum\"]", true),
        ("summary matches /ärger/i", true), ("summary matches /ärger/", false), ("summary matches /[à-ä]rger/i", true),
        ("name matches /strasse/i", true), ("technique == \"FLASH LOAN\"", true), ("bridge == false", true),
        ("bridge != true", true), ("not bridge", true),
    ]

    @Test(arguments: known)
    func fullyKnownIncident(condition: String, expected: Bool) throws {
        #expect(try RuleFixtures.evaluate(condition, RuleFixtures.ronin, prelude: Self.prelude) == expected)
    }

    @Test(arguments: unknown)
    func unknownFieldsAreNull(condition: String, expected: Bool) throws {
        #expect(try RuleFixtures.evaluate(condition, RuleFixtures.bare, prelude: Self.prelude) == expected)
    }

    @Test(arguments: folded)
    func unicodeCaseFolding(condition: String, expected: Bool) throws {
        #expect(try RuleFixtures.evaluate(condition, RuleFixtures.unicode, prelude: Self.prelude) == expected)
    }

    /// `addresses` and `transactions`: list fields, like `chains`.
    @Test(arguments: [
        (#"addresses contains "0x044dd988e68902c5d6d24fe2054cbb2445bd1e12""#, true),  // element equality, case-folded
        (#""0x044Dd988e68902c5D6D24Fe2054CbB2445Bd1E12" in addresses"#, true),
        (#"transactions exists"#, true),
        (#"transactions contains "0xdead""#, false),
        (#"addresses not in ["0x01"]"#, true),
    ])
    func addressesAndTransactions(condition: String, expected: Bool) throws {
        var incident = RuleFixtures.ronin
        incident.addresses = ["0x044Dd988e68902c5D6D24Fe2054CbB2445Bd1E12"]
        incident.transactions = ["0x15f5458679e8c8a8b73bba60b36fab6ae4b09b27f17f3c5d2d19dc9be3582019"]
        #expect(try RuleFixtures.evaluate(condition, incident) == expected)
        // Unknown (empty) lists: no element is in anything, `exists` is false.
        #expect(try RuleFixtures.evaluate("addresses exists or transactions exists", RuleFixtures.bare) == false)
    }

    @Test func updateFlagIsVisible() throws {
        var changed = RuleFixtures.ronin
        changed.update = true
        #expect(try RuleFixtures.evaluate("update and loss > $500M", changed))
        #expect(try !RuleFixtures.evaluate("update", RuleFixtures.ronin))
    }

    @Test func ageUsesTheGivenNow() throws {
        let now = Incident.parseDate("2022-03-25T00:00:00Z")!
        #expect(try RuleFixtures.evaluate("age < 7d", RuleFixtures.ronin, now: now))
        #expect(try RuleFixtures.evaluate("age == 2d", RuleFixtures.ronin, now: now))
        #expect(try !RuleFixtures.evaluate("age > 2d", RuleFixtures.ronin, now: now))
    }

    @Test func ruleSettingsAndEnabled() throws {
        let source = """
            rule "Mega hack" { when loss >= $100M  severity critical  notify chat, pager  message "{{name}}: {{loss_human}}" }
            rule quiet { when loss >= $100M  enabled false }
            rule defaults { when bridge }
            """
        let ruleSet = try #require(RuleFixtures.load(source).ruleSet)
        #expect(ruleSet.rules.map(\.name) == ["Mega hack", "quiet", "defaults"])
        let mega = ruleSet.rules[0]
        #expect(mega.severity == .critical && mega.notify == ["chat", "pager"] && mega.message == "{{name}}: {{loss_human}}")
        #expect(mega.location == "t.rules:1:6")
        #expect(ruleSet.rules[2].severity == .medium && ruleSet.rules[2].notify == nil && ruleSet.rules[2].message == nil)
        #expect(ruleSet.rules[1].enabled == false && ruleSet.rules[1].matches(RuleFixtures.ronin, now: RuleFixtures.now))
        #expect(ruleSet.matches(RuleFixtures.ronin, now: RuleFixtures.now).map(\.name) == ["Mega hack", "defaults"])
        #expect(ruleSet.matchCount(RuleFixtures.ronin, now: RuleFixtures.now) == 2)
        #expect(ruleSet.matches(RuleFixtures.bare, now: RuleFixtures.now).isEmpty)
    }

    @Test func aSharedContextGivesTheSameAnswers() throws {
        let source = Self.known.enumerated().map { "rule r\($0.offset) { when \($0.element.0) }" }.joined(separator: "\n")
        let ruleSet = try #require(RuleFixtures.load(Self.prelude + "\n" + source).ruleSet)
        let shared = RuleEvalContext.with(RuleFixtures.ronin, now: RuleFixtures.now) { context in ruleSet.rules.map { $0.matches(context) } }
        #expect(shared == Self.known.map(\.1))
        #expect(ruleSet.matches(RuleFixtures.ronin, now: RuleFixtures.now).count == Self.known.filter(\.1).count)
    }

    @Test func literalSpellings() throws {
        for literal in ["$1.5B", "1.5bn", "$1,500,000,000", "1_500_000_000", "1500M", "$1500m", "1500000k"] {
            let incident = Incident(id: "x", source: "s", name: "n", loss: Money(usd: 1.5e9))
            #expect(try RuleFixtures.evaluate("loss == \(literal)", incident), "\(literal)")
        }
        for (literal, seconds) in [("90s", 90.0), ("30m", 1800), ("24h", 86_400), ("7d", 604_800), ("2w", 1_209_600)] {
            let incident = Incident(id: "x", source: "s", name: "n", date: RuleFixtures.now.addingTimeInterval(-seconds))
            #expect(try RuleFixtures.evaluate("age == \(literal)", incident), "\(literal)")
        }
        let escaped = Incident(id: "x", source: "s", name: "a\"b\\c\nd\te😀")
        #expect(try RuleFixtures.evaluate(#"name == "a\"b\\c\nd\te\u{1F600}""#, escaped))
    }
}
