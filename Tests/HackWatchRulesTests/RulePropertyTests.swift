import Foundation
import Testing
import TestSupport
@testable import HackWatchRules

/// Seeded random inputs: the loader must never crash, and its result must be consistent
/// (rules only without errors, every diagnostic located and renderable).
@Suite struct RulePropertyTests {
    static let vocabulary = [
        "rule", "let", "macro", "when", "severity", "notify", "message", "enabled", "and", "or", "not", "in",
        "contains", "startswith", "endswith", "matches", "exists", "true", "false", "{", "}", "(", ")", "[", "]",
        ",", "=", "==", "!=", "<", "<=", ">", ">=", "!", "loss", "name", "chains", "bridge", "age", "date", "text",
        "attribution", "update", "high", "chat", "x", "m", "\"str\"", "\"unterminated", "\"\\u{1F600}\"", "\"\\q\"",
        "$100M", "$1,000", "1.5bn", "7d", "90s", "42", "-3", "2022-03-23", "2022-03-23T10:00:00Z", "2022-99-99",
        "/a|b/i", "/(a/", "/[z-a]/", "/x{5000}/", "/abc", "#c\n", "\n", "\t", "é", "\u{0}", "ß", "5q", "$",
    ]

    static func check(_ result: RuleLoadResult, _ input: String) {
        #expect(result.hasErrors == (result.ruleSet == nil), "\(input)")
        for diagnostic in result.diagnostics {
            #expect(diagnostic.line >= 1 && diagnostic.column >= 1 && diagnostic.length >= 1)
            #expect(diagnostic.rendered.hasPrefix(diagnostic.description))
        }
        if let ruleSet = result.ruleSet {
            for incident in [RuleFixtures.ronin, RuleFixtures.bare, RuleFixtures.unicode] {
                _ = ruleSet.matches(incident, now: RuleFixtures.now)
            }
        }
    }

    @Test(arguments: [1, 2, 3, 4])
    func randomTokenStreamsNeverCrash(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        for _ in 0..<400 {
            let count = Int.random(in: 0...60, using: &rng)
            let text = (0..<count).map { _ in Self.vocabulary.randomElement(using: &rng)! }.joined(separator: " ")
            Self.check(RuleFixtures.load(text), text)
        }
    }

    @Test(arguments: [11, 12, 13, 14])
    func randomBytesNeverCrash(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        for _ in 0..<400 {
            let count = Int.random(in: 0...300, using: &rng)
            let bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &rng) }
            let result = RuleLoader.load(sources: [("r.rules", bytes)], sinkNames: ["chat"])
            Self.check(result, "\(bytes)")
        }
    }

    /// Small mutations of valid rules reach deeper into the passes than pure noise does.
    @Test(arguments: [21, 22, 23])
    func mutatedRulesNeverCrash(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        let base = Array("""
            let bridges = ["Bridge", "Cross-chain"]
            macro big = loss >= $100M and not (update or age > 30d)
            rule "x y" { when big or name matches /br(i|y)dge\\b/i or chains contains "Ethereum"
                severity high notify chat message "{{name}}" enabled true }
            rule z { when target in bridges and attribution exists and date > 2022-01-01 }
            """.utf8)
        for _ in 0..<300 {
            var bytes = base
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                let index = Int.random(in: 0..<bytes.count, using: &rng)
                switch Int.random(in: 0..<3, using: &rng) {
                case 0: bytes[index] = UInt8.random(in: 0...255, using: &rng)
                case 1: bytes.remove(at: index)
                default: bytes.insert(base[Int.random(in: 0..<base.count, using: &rng)], at: index)
                }
                if bytes.isEmpty { break }
            }
            Self.check(RuleLoader.load(sources: [("m.rules", bytes)], sinkNames: ["chat"]), String(decoding: bytes, as: UTF8.self))
        }
    }
}
