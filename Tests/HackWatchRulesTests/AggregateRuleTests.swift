import Foundation
import Testing
@testable import HackWatchModel
@testable import HackWatchRules

/// Aggregate rules (README "Aggregate rules"): errors in compiler form, figures, percent literals.
@Suite struct AggregateRuleTests {
    static let errorCases: [(source: String, expected: [String])] = [
        ("aggregate a { window 7d when count >= \"three\" }", ["1:39: expected a number, money amount or percentage, got string"]),
        ("aggregate a { window 7d when sum(name) > $1M }", ["1:34: 'sum' needs a money field (loss, returned, net_loss, exposure_usd), got 'name' (string)"]),
        ("aggregate a { window 7d when avg(los) > $1M }", ["1:34: unknown field 'los'; did you mean 'loss'?"]),
        ("aggregate a { window 7d when distinct(loss) >= 3 }", ["1:39: 'distinct' needs a string or list field, got 'loss' (money)"]),
        ("aggregate a { window 7d when cont >= 3 }", ["1:30: unknown figure 'cont'; did you mean 'count'?"]),
        ("aggregate a { window 7d when loss >= 3 }", ["1:30: 'loss' is an incident field; aggregate conditions use figures such as count, sum(loss) or distinct(loss)"]),
        ("aggregate a { window 7d when count }", ["1:30: 'when' needs a condition (bool), got number; compare it, e.g. 'count >= 3'"]),
        ("aggregate a { window 7d when share(loss) > 50% }", ["1:36: 'share' needs a condition (bool), got money"]),
        ("aggregate a { window 7d when change(5, 1y) > 60% }", ["1:37: 'change' needs a figure such as sum(loss) or count"]),
        ("aggregate a { window 7d when change(count, 5h) > 60% }", ["1:44: a change's shift must be whole days, weeks or years (1y, 4w, 30d)"]),
        ("aggregate a { window 7d when count in [1, 2] }", ["1:36: 'in' cannot compare figures; use ==, !=, <, <=, > or >="]),
        ("aggregate a { window 36h when count >= 3 }", ["1:22: an aggregate window is whole days (7d, 2w, 30d) or ytd, qtd, mtd (calendar UTC)"]),
        ("aggregate a { window 7d group by loss when count >= 3 }", ["1:34: cannot group by 'loss' (money); group by a string or list field such as chains, target or technique"]),
        ("aggregate a { window 7d group by chans when count >= 3 }", ["1:34: unknown field 'chans'; did you mean 'chains'?"]),
        ("aggregate a { window 7d over bridg when count >= 3 }", ["1:30: unknown field 'bridg'; did you mean 'bridge'?"]),
        ("aggregate a { window 7d when count >= 3 severity hihg }", ["1:50: unknown severity 'hihg'; did you mean 'high'?"]),
        ("aggregate a { window 7d when count >= 3 notify chta }", ["1:48: unknown sink 'chta'; did you mean 'chat'?"]),
        ("aggregate a { when count >= 3 }", ["1:11: aggregate 'a' has no 'window'"]),
        ("aggregate a { window 7d }", ["1:11: aggregate 'a' has no 'when' condition"]),
        ("aggregate a { window weekly when count >= 3 }", ["1:22: expected a window (a duration such as 7d, or ytd, qtd, mtd), found 'weekly'"]),
        ("aggregate a { window 7d when count >= 3 cooldwn 1d }", ["1:41: unknown aggregate property 'cooldwn'; did you mean 'cooldown'?"]),
        ("aggregate a { window 7d when count >= 3 }\naggregate a { window 7d when count >= 4 }", ["2:11: aggregate 'a' is already defined at t.rules:1:11"]),
    ]

    @Test(arguments: errorCases)
    func errors(source: String, expected: [String]) {
        #expect(RuleFixtures.problems(source) == expected)
    }

    @Test func compilerFormShowsTheLineAndCaret() {
        let result = RuleFixtures.load("aggregate wave {\n    window 7d\n    when sum(name) >= $1M\n}\n")
        #expect(result.render() == """
            t.rules:3:14: error: 'sum' needs a money field (loss, returned, net_loss, exposure_usd), got 'name' (string)
                when sum(name) >= $1M
                         ^~~~
            """)
    }

    @Test func theIssuesExampleLoads() throws {
        let result = RuleFixtures.load("""
            let big = $1M
            aggregate bridge_wave {
                over     bridge and loss >= big          # which incidents count
                window   7d
                group by chains
                when     count >= 3 or sum(loss) >= $500M
                severity high
                cooldown 14d
                notify   chat
                message  "{{count}} bridge hacks on {{group}}"
            }
            aggregate ytd_up { window ytd when change(sum(loss), 1y) >= 60% and share(attribution contains "Lazarus") > 50% }
            """)
        #expect(result.diagnostics.isEmpty, "\(result.render())")
        let aggregates = try #require(result.ruleSet?.aggregates)
        #expect(aggregates.map(\.name) == ["bridge_wave", "ytd_up"])
        #expect(aggregates[0].window == .days(7) && aggregates[0].cooldown == 14 * 86_400 && aggregates[0].groupBy == "chains")
        #expect(aggregates[0].severity == .high && aggregates[0].notify == ["chat"])
        #expect(aggregates[1].window == .ytd && aggregates[1].shifts == [AggregateShift(seconds: 31_536_000)!])
        #expect(aggregates[1].cooldown == AggregateWindow.ytd.length)
        // A rule file's ordinary rules are unaffected.
        #expect(result.ruleSet?.rules.isEmpty == true)
    }

    static func incident(_ name: String, loss: Double?, chains: [String] = ["Ethereum"], attribution: String? = nil) -> Incident {
        Incident(id: name, source: "llama", name: name, date: RuleFixtures.now, loss: loss.map(Money.init(usd:)), chains: chains,
                 bridge: true, attribution: attribution)
    }

    static func aggregate(_ text: String) throws -> CompiledAggregate {
        let result = RuleFixtures.load("aggregate a { window 7d \(text) }")
        return try #require(result.ruleSet?.aggregates.first, "\(result.render())")
    }

    @Test(arguments: [
        ("when count >= 3", true), ("when count >= 4", false),
        ("when sum(loss) >= $300M", true), ("when sum(loss) > $300M", false),
        ("when max(loss) == $200M", true), ("when avg(loss) == $150M", true),  // the unknown loss is left out of avg
        ("when distinct(chains) == 2", true), ("when distinct(name) >= 3", true),
        ("when share(attribution contains \"Lazarus\") >= 66%", true), ("when share(attribution contains \"Lazarus\") > 67%", false),
        ("when change(count, 1y) >= 200%", true), ("when change(sum(loss), 1y) > 0", false),
        ("over loss >= $150M when count == 1", true), ("when not (count < 3)", true), ("when true", true),
    ])
    func figures(condition: String, expected: Bool) throws {
        let aggregate = try Self.aggregate(condition)
        let current = [Self.incident("A", loss: 200e6, attribution: "Lazarus Group"), Self.incident("B", loss: 100e6, chains: ["BSC"]),
                       Self.incident("C", loss: nil)].filter { aggregate.counts($0, now: RuleFixtures.now) }
        let yearAgo = [Self.incident("Z", loss: 300e6)]
        #expect(aggregate.holds(current: current, shifted: { _ in yearAgo }, now: RuleFixtures.now) == expected)
    }

    @Test func changeIsUnknownWithNothingToCompareWith() throws {
        let aggregate = try Self.aggregate("when change(count, 1y) >= 0 or change(count, 1y) < 0")
        #expect(!aggregate.holds(current: [Self.incident("A", loss: 1)], shifted: { _ in [] }, now: RuleFixtures.now))
        #expect(aggregate.change(current: [Self.incident("A", loss: 1)], shifted: { _ in [] }, now: RuleFixtures.now) == nil)
    }

    @Test func percentLiteralsAreFractions() throws {
        #expect(try RuleFixtures.evaluate("loss == 60%", Incident(id: "x", source: "s", name: "n", loss: Money(usd: 0.6))))
    }

    @Test func groupKeysOfAListFieldAreItsDistinctElements() throws {
        let aggregate = try Self.aggregate("group by chains when count >= 1")
        #expect(aggregate.groupKeys(Self.incident("A", loss: 1, chains: ["Ethereum", "ethereum", "BSC"])) == ["Ethereum", "BSC"])
        #expect(aggregate.groupKeys(Self.incident("A", loss: 1, chains: [])) == [])
        #expect(try Self.aggregate("when count >= 1").groupKeys(Self.incident("A", loss: 1)) == nil)
    }
}
