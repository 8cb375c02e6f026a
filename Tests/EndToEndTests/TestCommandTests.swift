import Foundation
import Testing
import TestSupport
@testable import HackWatchModel

/// `hackwatch test`: rules against a feed file, through the built binary.
@Suite struct TestCommandTests {
    static let feed = #"""
    [{"date":1659312000,"name":"Nomad Bridge","classification":"Protocol Logic","technique":"Faulty Initialization","amount":190000000,"chain":["Ethereum","Moonbeam"],"bridgeHack":true,"targetType":"Bridge","source":"","returnedFunds":36000000,"defillamaId":null,"language":"Solidity"},
     {"date":1647993600,"name":"Ronin Bridge","classification":"Infrastructure","technique":"Private Key Compromised","amount":624000000,"chain":["Ethereum"],"bridgeHack":true,"targetType":"DeFi Protocol","source":"","returnedFunds":null,"defillamaId":4440,"language":null},
     {"date":1700000000,"name":"Tiny","classification":null,"technique":null,"amount":5000,"chain":[],"bridgeHack":false,"targetType":"DeFi Protocol","source":"","returnedFunds":null,"defillamaId":null,"language":null}]
    """#

    static let rules = """
        macro recent = age < 30d
        rule mega { when loss >= $100M severity critical }
        rule bridge_recent { when bridge and recent severity high }
        rule off { when true enabled false }
        """

    func fixture() throws -> (dir: URL, rules: String, feed: String) {
        let dir = try makeTemporaryDirectory()
        let rules = dir.appendingPathComponent("r.rules"), feed = dir.appendingPathComponent("hacks.json")
        try Self.rules.write(to: rules, atomically: true, encoding: .utf8)
        try Self.feed.write(to: feed, atomically: true, encoding: .utf8)
        return (dir, rules.path, feed.path)
    }

    @Test func printsOneLinePerMatchSortedByDateThenRule() throws {
        let f = try fixture()
        defer { try? FileManager.default.removeItem(at: f.dir) }
        let result = try Binary.run(["test", "--rules", f.rules, "--input", f.feed, "--format", "defillama",
                                     "--now", "2022-08-10T00:00:00Z"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == """
            2022-03-23  critical  mega  Ronin Bridge  $624M
            2022-08-01  high  bridge_recent  Nomad Bridge  $190M
            2022-08-01  critical  mega  Nomad Bridge  $190M

            """)
    }

    @Test func jsonLinesCarryRuleSeverityAndIncident() throws {
        let f = try fixture()
        defer { try? FileManager.default.removeItem(at: f.dir) }
        let result = try Binary.run(["test", "--rules", f.dir.path, "--input", f.feed, "--format", "defillama",
                                     "--json", "--now", "2022-03-25T00:00:00Z"])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        // Nomad is in the future of --now: its age is negative, so it is "recent" too.
        #expect(lines.count == 4)
        let objects = try lines.map { try JSONValue.parse($0) }
        #expect(objects.map { $0["rule"]?.stringValue } == ["bridge_recent", "mega", "bridge_recent", "mega"])
        #expect(objects.map { $0["severity"]?.stringValue } == ["high", "critical", "high", "critical"])
        let ronin = try #require(objects.first?["incident"])
        #expect(ronin["name"]?.stringValue == "Ronin Bridge")
        #expect(ronin["date"]?.stringValue == "2022-03-23T00:00:00Z")
        #expect(ronin["loss"]?.numberValue == 624e6)
        #expect(ronin["chains"] == .array([.string("Ethereum")]))
        #expect(ronin["bridge"] == .bool(true))
        #expect(objects[2]["incident"]?["name"]?.stringValue == "Nomad Bridge")
    }

    @Test func badRulesPrintEveryDiagnosticAndFail() throws {
        let f = try fixture()
        defer { try? FileManager.default.removeItem(at: f.dir) }
        try "rule a { when los > 1 }\nrule b { when name > 1 }\n".write(toFile: f.rules, atomically: true, encoding: .utf8)
        let result = try Binary.run(["test", "--rules", f.rules, "--input", f.feed, "--format", "defillama"])
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr == """
            \(f.rules):1:15: error: unknown field 'los'; did you mean 'loss'?
            rule a { when los > 1 }
                          ^~~
            \(f.rules):2:15: error: cannot compare string with number
            rule b { when name > 1 }
                          ^~~~~~~~

            """)
    }

    @Test func rejectsUnknownFormatAndBadNow() throws {
        let f = try fixture()
        defer { try? FileManager.default.removeItem(at: f.dir) }
        let format = try Binary.run(["test", "--rules", f.rules, "--input", f.feed, "--format", "yaml"])
        #expect(format.status != 0 && format.stderr.contains("unknown format 'yaml'"))
        let now = try Binary.run(["test", "--rules", f.rules, "--input", f.feed, "--format", "defillama", "--now", "yesterday"])
        #expect(now.status != 0 && now.stderr.contains("--now 'yesterday' is not an ISO 8601 date"))
    }

    @Test func shippedRulesOverTheRealDefiLlamaSnapshot() throws {
        let snapshot = Binary.repoRoot.deletingLastPathComponent()
        let candidates = [snapshot, snapshot.deletingLastPathComponent()].map {
            $0.appendingPathComponent("shared/feeds/defillama/api.llama.fi_hacks_2026-05-29.json").path
        }
        guard let path = candidates.first(where: FileManager.default.fileExists) else {
            print("skipping: shared/feeds/defillama snapshot not found beside the repository")
            return
        }
        let result = try Binary.run(["test", "--rules", Binary.repoRoot.appendingPathComponent("rules").path,
                                     "--input", path, "--format", "defillama", "--now", "2026-06-01T00:00:00Z"])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.contains("2022-03-23  critical  mega_hack  Ronin Bridge  $624M"))
        #expect(lines.contains("2022-03-23  high  bridge_hack  Ronin Bridge  $624M"))
        #expect(lines.contains("2025-02-21  high  cex_hack  Bybit  $1.4B"))
        #expect(!lines.contains { $0.contains("bridge_hack  Bybit") })
    }
}
