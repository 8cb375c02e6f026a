import Foundation
import Testing
@testable import HackWatchModel
@testable import HackWatchRules

/// Evaluation keeps one scratch block per thread and resets it between incidents: each incident
/// must still see only its own folded fields, lists and regex inputs, also when evaluations nest
/// or run on many threads at once.
@Suite struct RuleScratchReuseTests {
    static let rules = """
        rule by_name { when name contains "bridge" }
        rule by_chain { when "ronin" in chains }
        rule by_regex { when summary matches /dr(ai)?ned \\$\\d+/i }
        rule by_text { when text contains "mystery" }
        rule by_money { when loss >= $100M }
        """

    static let bridge = Incident(id: "a", source: "s", name: "Ronin Bridge", summary: "Drained $624M", loss: Money(usd: 6.24e8), chains: ["Ronin"])
    static let other = Incident(id: "b", source: "s", name: "Mystery", summary: "Nothing here", chains: ["Ethereum"])
    /// A long non-ASCII name: its folded text outgrows the inline arena and the 64 KiB kept one.
    static let long = Incident(id: "c", source: "s", name: String(repeating: "Ünïcode bridge ", count: 5_000), chains: ["RONIN"])

    static let expected: [(Incident, [String])] = [
        (bridge, ["by_name", "by_chain", "by_regex", "by_money"]),
        (other, ["by_text"]),
        (long, ["by_name", "by_chain"]),
    ]

    @Test func incidentsInTurnSeeOnlyTheirOwnFields() throws {
        let ruleSet = try #require(RuleFixtures.load(Self.rules, sinks: nil).ruleSet)
        for _ in 0..<3 {
            for (incident, names) in Self.expected + Self.expected.reversed() {
                #expect(ruleSet.matches(incident, now: RuleFixtures.now).map(\.name) == names, "\(incident.id)")
            }
        }
    }

    @Test func nestedEvaluationKeepsTheOuterContext() throws {
        let ruleSet = try #require(RuleFixtures.load(Self.rules, sinks: nil).ruleSet)
        let (outer, inner) = RuleEvalContext.with(Self.bridge, now: RuleFixtures.now) { context in
            let first = ruleSet.rules.map { $0.matches(context) }
            let inner = ruleSet.matches(Self.other, now: RuleFixtures.now).map(\.name)
            return (first + ruleSet.rules.map { $0.matches(context) }, inner)
        }
        #expect(outer == [true, true, true, false, true, true, true, true, false, true])
        #expect(inner == ["by_text"])
    }

    @Test func threadsEvaluatingAtOnceAgree() async throws {
        let ruleSet = try #require(RuleFixtures.load(Self.rules, sinks: nil).ruleSet)
        let failures = await withTaskGroup(of: Int.self) { group in
            for task in 0..<8 {
                group.addTask {
                    var failures = 0
                    for round in 0..<500 {
                        let (incident, names) = Self.expected[(task + round) % Self.expected.count]
                        if ruleSet.matches(incident, now: RuleFixtures.now).map(\.name) != names { failures += 1 }
                    }
                    return failures
                }
            }
            return await group.reduce(0, +)
        }
        #expect(failures == 0)
    }
}
