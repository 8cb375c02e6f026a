import Foundation
@testable import HackWatchModel
@testable import HackWatchRules

/// Helpers for the Rules tests.
enum RuleFixtures {
    static let sinks = ["chat", "syslog", "pager"]

    static func load(_ text: String, path: String = "t.rules", sinks: [String]? = RuleFixtures.sinks) -> RuleLoadResult {
        RuleLoader.load(sources: [(path, Array(text.utf8))], sinkNames: sinks)
    }

    /// Every diagnostic as `line:col: message` (the file is always t.rules here).
    static func problems(_ text: String) -> [String] {
        load(text).diagnostics.map { "\($0.line):\($0.column): \($0.message)" }
    }

    /// Compiles `condition` as the only rule and evaluates it against `incident`.
    static func evaluate(_ condition: String, _ incident: Incident, now: Date = RuleFixtures.now,
                         prelude: String = "") throws -> Bool {
        let result = load(prelude + "\nrule r { when \(condition) }")
        guard let rule = result.ruleSet?.rules.first else {
            throw RuleTestError.didNotLoad(result.render())
        }
        return rule.matches(incident, now: now)
    }

    static let now = Incident.parseDate("2024-06-01T00:00:00Z")!

    /// A fully known incident (Ronin-like), with every field set.
    static let ronin = Incident(
        id: "ronin-1", source: "llama", sources: ["llama", "rekt"], name: "Ronin Bridge",
        title: "Ronin Bridge hacked", summary: "Lazarus Group stole $624M via compromised validator keys",
        url: "https://example.org/ronin", date: Incident.parseDate("2022-03-23"),
        loss: Money(usd: 624e6), returned: Money(usd: 30e6), chains: ["Ethereum", "Ronin"],
        classification: "Infrastructure", technique: "Private Key Compromised", bridge: true,
        target: "Bridge", attribution: "Lazarus Group", tags: ["bridge", "dprk"], update: false)

    /// Only the required fields: everything else unknown (null) or empty.
    static let bare = Incident(id: "bare-1", source: "rss", name: "Mystery")

    /// Non-ASCII text for case-folding checks.
    static let unicode = Incident(
        id: "u-1", source: "rss", name: "STRASSE Finance", summary: "Ärger über ΣΊΣΥΦΟΣ",
        date: Incident.parseDate("2024-05-30"), loss: Money(usd: 2e6), chains: ["ÉTHEREUM"],
        technique: "Flash Loan", bridge: false, target: "DeFi Protocol")
}

enum RuleTestError: Error { case didNotLoad(String) }
