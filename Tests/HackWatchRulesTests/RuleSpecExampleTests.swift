import Foundation
import Testing
@testable import HackWatchModel
@testable import HackWatchRules

/// The example file of RULES.md §1 parses, type-checks and behaves as described.
@Suite struct RuleSpecExampleTests {
    static let example = """
        # Comments run from '#' to the end of the line.

        let bridges   = ["Bridge", "Cross-chain", "Cross Chain Bridge"]   # a named constant
        let big_money = $100M

        macro mega       = loss >= big_money                               # a named condition
        macro bridge_hit = bridge or target in bridges or name matches /bridge/i

        rule mega_hack {
            when     mega
            severity critical                # info | low | medium | high | critical
            notify   chat, syslog            # sink names from the config file
        }

        rule "Bridge exploit over $10M" {
            when     bridge_hit and loss > $10M and age < 7d
            severity high
            notify   chat
            message  "{{name}} bridge drained: {{loss_human}} on {{chains}} ({{technique}})"
        }

        rule dprk {
            when     attribution contains "Lazarus" or text matches /north korea|dprk/i
            severity high
            notify   chat
            enabled  false                   # kept in the file, never fires
        }
        """

    @Test func loadsAndBehavesAsDescribed() throws {
        let result = RuleLoader.load(sources: [("example.rules", Array(Self.example.utf8))], sinkNames: ["chat", "syslog"])
        #expect(result.diagnostics.isEmpty, "\(result.render())")
        let ruleSet = try #require(result.ruleSet)
        #expect(ruleSet.rules.map(\.name) == ["mega_hack", "Bridge exploit over $10M", "dprk"])
        #expect(ruleSet.rules.map(\.severity) == [.critical, .high, .high])
        #expect(ruleSet.rules.map(\.notify) == [["chat", "syslog"], ["chat"], ["chat"]])
        #expect(ruleSet.rules[1].message == "{{name}} bridge drained: {{loss_human}} on {{chains}} ({{technique}})")

        let day = 86_400.0
        let now = RuleFixtures.now
        let nomad = Incident(id: "n", source: "s", name: "Nomad Bridge", date: now.addingTimeInterval(-2 * day),
                             loss: Money(usd: 190e6), bridge: nil, target: "DeFi Protocol")
        #expect(ruleSet.matches(nomad, now: now).map(\.name) == ["mega_hack", "Bridge exploit over $10M"])
        let old = Incident(id: "o", source: "s", name: "Harmony", date: now.addingTimeInterval(-30 * day),
                           loss: Money(usd: 100e6), bridge: true, attribution: "Lazarus Group")
        #expect(ruleSet.matches(old, now: now).map(\.name) == ["mega_hack"])
        let small = Incident(id: "s", source: "s", name: "X", date: now, loss: Money(usd: 20e6), target: "cross-chain")
        #expect(ruleSet.matches(small, now: now).map(\.name) == ["Bridge exploit over $10M"])
        // The disabled rule is checked and compiled but never fires from the set.
        #expect(ruleSet.rules[2].matches(old, now: now))
    }
}
