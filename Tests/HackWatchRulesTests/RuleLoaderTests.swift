import Foundation
import Testing
import TestSupport
@testable import HackWatchModel
@testable import HackWatchRules

/// Rendering, multiple files, folders, robustness limits and settings checks of the loader.
@Suite struct RuleLoaderTests {
    @Test func rendersTheCompilerForm() {
        let result = RuleFixtures.load("rule a {\n    when los > $100M\n}\n", path: "rules/bridges.rules")
        #expect(result.render() == """
            rules/bridges.rules:2:10: error: unknown field 'los'; did you mean 'loss'?
                when los > $100M
                     ^~~
            """)
    }

    @Test func caretFollowsTabsAndSpansTheWholeComparison() {
        let result = RuleFixtures.load("rule a {\n\twhen loss > \"x\" }\n")
        #expect(result.render() == "t.rules:2:7: error: cannot compare money with string\n\twhen loss > \"x\" }\n\t     ^~~~~~~~~~")
    }

    @Test func everyErrorOfEveryFileSortedByFileAndPosition() {
        let result = RuleLoader.load(sources: [
            ("b.rules", Array("rule b1 { when nme == \"x\" }\nrule b2 { when loss > \"1\" }\n".utf8)),
            ("a.rules", Array("rule a1 { when lost > 1 }\n".utf8)),
        ], sinkNames: nil)
        #expect(result.diagnostics.map(\.description) == [
            "a.rules:1:16: error: unknown field 'lost'; did you mean 'loss'?",
            "b.rules:1:16: error: unknown field 'nme'; did you mean 'name'?",
            "b.rules:2:16: error: cannot compare money with string",
        ])
    }

    @Test func namesAreSharedAcrossFilesInLoadOrder() {
        let ok = RuleLoader.load(sources: [
            ("00-lists.rules", Array("let cex = [\"CEX\"]\nmacro big = loss > $100M\n".utf8)),
            ("10-rules.rules", Array("rule r { when big and target in cex }\n".utf8)),
        ], sinkNames: nil)
        #expect(ok.diagnostics.isEmpty && ok.ruleSet?.rules.count == 1)
        let early = RuleLoader.load(sources: [
            ("00-rules.rules", Array("rule r { when big }\n".utf8)),
            ("10-macros.rules", Array("macro big = loss > $100M\n".utf8)),
        ], sinkNames: nil)
        #expect(early.diagnostics.map(\.description) == [
            "00-rules.rules:1:15: error: 'big' is used before it is defined (at 10-macros.rules:1:7, in a file loaded later)",
        ])
        let sameFile = RuleFixtures.load("rule r { when big }\nmacro big = loss > 1")
        #expect(sameFile.diagnostics.isEmpty)
    }

    @Test func loadsFoldersInLexicographicOrder() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try "rule z { when big }\n".write(to: dir.appendingPathComponent("20-z.rules"), atomically: true, encoding: .utf8)
        try "macro big = loss > 1\n".write(to: dir.appendingPathComponent("10-a.rules"), atomically: true, encoding: .utf8)
        try "not rules at all {{{".write(to: dir.appendingPathComponent("notes.txt"), atomically: true, encoding: .utf8)
        let result = RuleLoader.load(paths: [dir.path], sinkNames: nil)
        #expect(result.diagnostics.isEmpty)
        #expect(result.ruleSet?.rules.map(\.location) == ["\(dir.path)/20-z.rules:1:6"])
        let missing = RuleLoader.load(paths: [dir.path + "/nope.rules"], sinkNames: nil)
        #expect(missing.render() == "\(dir.path)/nope.rules:1:1: error: no such rules file or folder")
        #expect(missing.ruleSet == nil)
    }

    @Test func tenThousandNestedParenthesesAreOneClearError() {
        let deep = String(repeating: "(", count: 10_000) + "loss > 1" + String(repeating: ")", count: 10_000)
        let result = RuleFixtures.load("rule a { when \(deep) severity high }\nrule b { when los > 1 }")
        #expect(result.diagnostics.map { "\($0.line):\($0.column): \($0.message)" } == [
            "1:215: expression nested too deeply (more than 200 levels of parentheses)",
            "2:15: unknown field 'los'; did you mean 'loss'?",
        ])
    }

    @Test func longChainsDoNotRecurse() throws {
        let nots = String(repeating: "not ", count: 10_001)
        let ruleSet = try #require(RuleFixtures.load("rule a { when \(nots) bridge }").ruleSet)
        #expect(ruleSet.rules[0].matches(RuleFixtures.bare, now: RuleFixtures.now))
        let ors = (0..<50_000).map { "loss == \($0)" }.joined(separator: " or ")
        let wide = try #require(RuleFixtures.load("rule a { when \(ors) }").ruleSet)
        #expect(wide.rules[0].matches(Incident(id: "i", source: "s", name: "n", loss: Money(usd: 49_999)), now: RuleFixtures.now))
    }

    @Test func deepMacroChainsAreBounded() {
        var text = "macro m0 = loss > 1\n"
        for i in 1..<2_000 { text += "macro m\(i) = m\(i - 1) and loss > 1\n" }
        text += "rule a { when m1999 }\n"
        let result = RuleFixtures.load(text)
        #expect(result.diagnostics.count == 1)
        #expect(result.diagnostics.first?.message.hasSuffix("nests too deeply once expanded (over 1000 levels)") == true)
    }

    @Test func manyUnknownNamesAmongManyDefinitionsStillLoad() {
        var sources = [("00.rules", Array((0..<3_000).map { "let name_\($0) = \($0)\n" }.joined().utf8))]
        for file in 0..<30 {
            let rules = (file * 100..<file * 100 + 100).map { "rule r\($0) { when loss == nome_\($0) }\n" }.joined()
            sources.append(("\(10 + file).rules", Array(rules.utf8)))
        }
        let result = RuleLoader.load(sources: sources, sinkNames: nil)
        #expect(result.diagnostics.count == 3_000)
        #expect(result.diagnostics.first?.message == "unknown name 'nome_0'; did you mean 'name_0'?")
        // Past the suggestion budget the errors stay, without the (costly) suggestions.
        #expect(result.diagnostics.last?.message == "unknown field 'nome_2999'")
    }

    @Test func junkIsOneErrorPerRunAndErrorsAreCapped() {
        #expect(RuleFixtures.problems("rule a { when loss > 5 @@@ }") == ["1:24: unexpected characters '@' '@' '@'"])
        let bytes = Array("rule a { when loss > 5 ".utf8) + [0xFF, 0x01, 0x02] + Array(" }".utf8)
        #expect(RuleLoader.load(sources: [("j.rules", bytes)], sinkNames: nil).diagnostics.map(\.description) == [
            "j.rules:1:24: error: invalid UTF-8 (byte 0xFF)",
            "j.rules:1:25: error: unexpected characters U+0001 U+0002",
        ])
        let many = (0..<300).map { "rule r\($0) { when los > 1 }" }.joined(separator: "\n")
        let result = RuleFixtures.load(many)
        #expect(result.diagnostics.count == 101)
        #expect(result.diagnostics.last?.description == "t.rules:100:17: error: too many errors; 200 more in this file not shown")
    }

    @Test func invalidUTF8IsReportedWithItsPosition() {
        let bytes = Array("rule a { when name == \"a".utf8) + [0xFF] + Array("\" }\n# \u{E9}".utf8) + [0xC3]
            + Array("\nrule b { when name == \"".utf8) + [0xED, 0xA0, 0x80] + Array("\" }".utf8)
        let result = RuleLoader.load(sources: [("u.rules", bytes)], sinkNames: nil)
        #expect(result.diagnostics.map(\.description) == [
            "u.rules:1:25: error: invalid UTF-8 (byte 0xFF)",
            "u.rules:2:4: error: invalid UTF-8 (byte 0xC3)",
            "u.rules:3:24: error: invalid UTF-8 (byte 0xED)",
            "u.rules:3:25: error: invalid UTF-8 (byte 0xA0)",
            "u.rules:3:26: error: invalid UTF-8 (byte 0x80)",
        ])
    }

    @Test func emptyAndCommentOnlyFilesLoad() throws {
        #expect(try #require(RuleFixtures.load("").ruleSet).rules.isEmpty)
        #expect(try #require(RuleFixtures.load("# nothing here\n\n   # still nothing").ruleSet).rules.isEmpty)
    }

    @Test func sinksAreCheckedOnlyWhenNamesAreGiven() {
        let text = "rule a { when bridge notify nowhere }"
        #expect(RuleFixtures.load(text, sinks: nil).diagnostics.isEmpty)
        #expect(RuleFixtures.problems(text) == ["1:29: unknown sink 'nowhere'; the config defines 'chat', 'syslog', 'pager'"])
        #expect(RuleFixtures.load(text, sinks: []).diagnostics.map(\.message) == ["unknown sink 'nowhere'; the config defines no sinks"])
    }

    @Test func messageTemplatesAreValidatedByTheCaller() {
        let text = "rule a { when bridge message \"{{#name}}\" }"
        let result = RuleLoader.load(sources: [("t.rules", Array(text.utf8))], sinkNames: nil,
                                     validateTemplate: { $0.contains("{{#") ? "section 'name' is never closed" : nil })
        #expect(result.diagnostics.map(\.description) == ["t.rules:1:30: error: invalid message template: section 'name' is never closed"])
    }

    @Test func shippedDefaultRulesLoadAndMatchRonin() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("rules/default.rules").path
        let result = RuleLoader.load(paths: [path], sinkNames: nil)
        #expect(result.diagnostics.isEmpty, "\(result.render())")
        let ruleSet = try #require(result.ruleSet)
        #expect(ruleSet.rules.count >= 6)
        let names = ruleSet.matches(RuleFixtures.ronin, now: RuleFixtures.now).map(\.name)
        #expect(names == ["mega_hack", "bridge_hack", "private_key_compromise", "dprk_attribution", "large_funds_returned"])
        #expect(ruleSet.matches(RuleFixtures.bare, now: RuleFixtures.now).isEmpty)
        let bybit = Incident(id: "b", source: "llama", name: "Bybit", loss: Money(usd: 1.4e9), bridge: false, target: "CEX")
        #expect(ruleSet.matches(bybit, now: RuleFixtures.now).map(\.name) == ["mega_hack", "cex_hack"])
    }
}
