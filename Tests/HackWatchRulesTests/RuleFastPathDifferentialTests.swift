import Foundation
import Testing
@testable import HackWatchModel
@testable import HackWatchRules
import TestSupport

/// The compiled fast path (shared per-incident arena, ASCII folding eight bytes at a time,
/// rare-byte substring search, literal regex shortcuts, reordered `and`/`or`, reused VM lists)
/// against `RuleReferenceEvaluator` over the real DefiLlama snapshot plus crafted incidents:
/// every shipped rule, and a table of tricky conditions (Unicode folding, combining marks, empty
/// strings, anchors, alternation), each alone and all together in one rule set.
@Suite struct RuleFastPathDifferentialTests {
    static let now = Incident.parseDate("2026-01-01T00:00:00Z")!

    /// The snapshot's records as incidents, built here the way the DefiLlama format does (the
    /// rule language's tests do not link the feeds module): name, date, amounts, chains, labels,
    /// a title and a summary made from them.
    static let snapshot: [Incident] = {
        guard let bytes = SharedFeeds.defiLlamaSnapshot,
              let records = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [[String: Any]] else { return [] }
        return records.enumerated().map { index, record in
            func text(_ key: String) -> String? { (record[key] as? String).flatMap { $0.isEmpty ? nil : $0 } }
            func money(_ key: String) -> Money? { (record[key] as? NSNumber).map { Money(usd: $0.doubleValue) } }
            let name = text("name") ?? "unnamed"
            let chains = record["chain"] as? [String] ?? []
            let loss = money("amount"), returned = money("returnedFunds")
            let classification = text("classification"), technique = text("technique"), target = text("targetType")
            var title = name + " hacked"
            if let loss { title += ": \(loss.human) lost" }
            if let classification { title += " (\(classification))" }
            var parts: [String] = []
            if let technique { parts.append("Technique: \(technique).") }
            if !chains.isEmpty { parts.append("Chains: \(chains.joined(separator: ", ")).") }
            if let target { parts.append("Target: \(target).") }
            if let returned { parts.append("Returned: \(returned.human).") }
            return Incident(
                id: "llama-\(index)", source: "defillama", name: name, title: title,
                summary: parts.isEmpty ? nil : parts.joined(separator: " "),
                date: (record["date"] as? NSNumber).map { Date(timeIntervalSince1970: $0.doubleValue) },
                loss: loss, returned: returned, chains: chains, classification: classification, technique: technique,
                bridge: record["bridgeHack"] as? Bool, target: target)
        }
    }()

    /// Incidents that exercise what the snapshot lacks: non-ASCII text, empty and null fields.
    static let crafted: [Incident] = {
        var items = [
            Incident(id: "c1", source: "t", name: "STRASSE Finance", title: "Straße Bridge drained", summary: "Private keys were STOLEN by Lazarus",
                     loss: Money(usd: 12e6), chains: ["Ethereum", "BSC"], technique: "Private Key Compromised (multisig)", target: "Bridge"),
            Incident(id: "c2", source: "t", name: "İstanbul Swap", title: "", summary: "", url: "https://example.org/x",
                     loss: Money(usd: 2e6), chains: [], classification: "", target: "CEX", attribution: "lazarus group"),
            Incident(id: "c3", source: "t", name: "ΣΙΣΥΦΟΣ DEX", title: "ΣΊΣΥΦΟΣ hacked", summary: "North Korea (DPRK) σίσυφος ſtolen",
                     loss: Money(usd: 150e6), returned: Money(usd: 160e6), chains: ["Σ-chain"], bridge: false, attribution: "APT38"),
            Incident(id: "c4", source: "t", name: "cafe\u{301} protocol", summary: "caf\u{E9} exploit GROẞ\nsecond line hack",
                     technique: "ß", target: "DeFi Protocol", tags: ["DPRK", "test"]),
            Incident(id: "c5", source: "t", name: "", title: nil, summary: nil, loss: nil, bridge: true),
            Incident(id: "c6", source: "t", name: "x", title: "the bridge, rebridged; bridges", summary: "private key was leaked",
                     loss: Money(usd: 0.5e6), returned: Money(usd: 6e6), technique: "PRIVATE KEY", target: "cex"),
        ]
        items[0].exposure = ["treasury"]
        items[0].exposureOwner = "Ops"
        items[3].update = true
        items[3].changes = ["loss"]
        return items
    }()

    static var incidents: [Incident] { snapshot + crafted }

    /// Conditions whose fast path takes a shortcut the reference evaluator does not.
    static let tricky: [String] = [
        #"text contains "straße""#, #"name == "STRASSE FINANCE""#, #"title contains "strasse""#, #"text matches /ß/i"#,
        #"text matches /strasse/i"#, #"name matches /^i̇stanbul/i"#, #"name contains "İSTANBUL""#, #"name startswith "i̇""#,
        #"name matches /^σισυφοσ/i"#, #"title contains "σίσυφος""#, #"text matches /Σ+Ί/i"#, #"text contains "stolen""#, #"summary contains "gross""#, #"summary matches /groß/i"#,
        #"name contains "é""#, #"name contains "e\#u{301}""#, #"summary contains "café""#, #"text matches /e\#u{301}/"#,
        #"name contains """#, #"summary == """#, #"title == """#, #"name matches /^$/"#, #"summary matches /^$/"#,
        #"text matches /^second|hack$/m"#, #"text matches /^second/"#, #"text matches /exploit$/m"#, #"text matches /hack$/"#,
        #"text matches /north korea|dprk|lazarus/i"#, #"text matches /(north|south) korea|\bdprk\b/i"#,
        #"text matches /private keys? (were |was )?(compromised|leaked|stolen)/i"#, #"name matches /\bbridge\b/i"#,
        #"title matches /\bbridge\b/i"#, #"text matches /protocol.{0,20}logic/i"#, #"name matches /[^a-z0-9 ]/i"#,
        #"technique startswith "private""#, #"technique endswith "compromised""#, #"technique endswith ")""#,
        #"chains contains "ethereum""#, #"chains in ["bsc", "σ-CHAIN"]"#, #"tags not in ["test"]"#, #"tags contains "dprk""#,
        #"classification != "Protocol Logic""#, #"target in ["cex", "bridge"] and loss >= $1M"#,
        #"net_loss > $1M or exposed"#, #"net_loss < $0"#, #"returned > loss"#, #"exposure_owner == "ops""#,
        #"change contains "loss" and update"#, #"not (loss exists) and bridge"#, #"url startswith "https://""#,
        #"attribution in ["Lazarus Group", "APT38"] or attribution contains "lazarus""#,
        #"(bridge or target == "Bridge" or name matches /\bbridge\b/i) and loss > $10M"#,
        #"text matches /./ and not (text matches /^[\x00-\x7f]*$/)"#, #"age < 3650d and date > 2020-01-01"#,
    ]

    static func loaded(_ text: String) throws -> RuleSet {
        let result = RuleLoader.load(sources: [("t.rules", Array(text.utf8))], sinkNames: nil)
        guard let set = result.ruleSet else { throw RuleTestError.didNotLoad(result.render()) }
        return set
    }

    /// Every (rule, incident) where the fast path, alone or in a shared context, disagrees with the reference.
    static func disagreements(_ set: RuleSet) -> [String] {
        let seconds = now.timeIntervalSince1970
        var out: [String] = []
        for incident in incidents {
            var shared = Set<Int>()
            set.forEachMatch(incident, now: now) { shared.insert($0) }
            for (index, rule) in set.rules.enumerated() {
                guard let condition = rule.condition else { out.append("\(rule.name): no condition kept"); continue }
                let expected = RuleReferenceEvaluator.evaluate(condition, incident, now: seconds)
                if rule.matches(incident, now: now) != expected || shared.contains(index) != expected {
                    out.append("\(rule.name) on \(incident.id) \"\(incident.name)\": reference says \(expected)")
                }
            }
        }
        return out
    }

    @Test func snapshotIsThere() throws {
        try #require(SharedFeeds.defiLlamaSnapshot != nil, "shared/feeds/defillama snapshot not found")
        #expect(Self.snapshot.count > 500)
    }

    @Test func shippedRulesAgreeWithTheReference() throws {
        let path = SharedFeeds.repositoryRoot.appendingPathComponent("rules/default.rules").path
        let result = RuleLoader.load(paths: [path], sinkNames: nil)
        let set = try #require(result.ruleSet, "\(result.render())")
        #expect(set.rules.count >= 7)
        let wrong = Self.disagreements(set)
        #expect(wrong.isEmpty, "\(wrong.count): \(wrong.prefix(10).joined(separator: "; "))")
    }

    @Test(arguments: tricky)
    func trickyConditionAgreesWithTheReference(_ condition: String) throws {
        let wrong = Self.disagreements(try Self.loaded("rule r { when \(condition) }\n"))
        #expect(wrong.isEmpty, "\(wrong.count): \(wrong.prefix(10).joined(separator: "; "))")
    }

    /// All tricky conditions in one set: later rules read caches earlier ones filled.
    @Test func trickyConditionsTogetherAgreeWithTheReference() throws {
        let text = Self.tricky.enumerated().map { "rule r\($0) { when \($1) }\n" }.joined()
        let wrong = Self.disagreements(try Self.loaded(text))
        #expect(wrong.isEmpty, "\(wrong.count): \(wrong.prefix(10).joined(separator: "; "))")
    }

    /// The reference really is independent: it sees what the fast path must (sanity checks on crafted incidents).
    @Test(arguments: [
        (#"text contains "straße""#, "c1", true), (#"name == "strasse finance""#, "c1", true), (#"name matches /^σισυφοσ/i"#, "c3", true),
        (#"name contains "é""#, "c4", false), (#"summary contains "café""#, "c4", true), (#"summary == """#, "c2", true),
        (#"summary == """#, "c5", false), (#"text matches /^second/"#, "c4", false), (#"text matches /^second/m"#, "c4", true),
    ])
    func referenceAnswers(_ condition: String, _ id: String, _ expected: Bool) throws {
        let set = try Self.loaded("rule r { when \(condition) }\n")
        let incident = try #require(Self.crafted.first { $0.id == id })
        let rule = try #require(set.rules.first)
        #expect(RuleReferenceEvaluator.evaluate(try #require(rule.condition), incident, now: Self.now.timeIntervalSince1970) == expected)
        #expect(rule.matches(incident, now: Self.now) == expected)
    }
}
