import Foundation
import Testing
import TestSupport

/// `test --feed/--preset/--mapping`, `replay --feed` and `presets`, through the built binary.
@Suite struct FeedCommandTests {
    /// Shaped as BlockSec's attack-events body (real records).
    static let blocksec = #"""
    {"count": 2, "list": [
      {"id": 597, "project": "StablR", "loss": "12800000.000000", "chainIds": [1],
       "transactions": [{"txnHash": "0x15f5458679e8c8a8b73bba60b36fab6ae4b09b27f17f3c5d2d19dc9be3582019", "chainId": 1,
                         "attacker": "0x044Dd988e68902c5D6D24Fe2054CbB2445Bd1E12", "label": ""}],
       "media": "https://x.com/blockaid_/status/2058372418557595890", "rootCause": "Compromised Private Key",
       "date": 1779573360000, "rescued": "0"},
      {"id": 563, "project": "Polymarket", "loss": "700000.000000", "chainIds": [137], "transactions": [],
       "rootCause": "Compromised Private Key", "date": 1779393720000, "rescued": "0"}
    ]}
    """#

    static let rules = """
        rule big { when loss >= $1M and "Ethereum" in chains severity high }
        rule attacker_known { when addresses exists severity low }
        """

    func fixture() throws -> (dir: URL, rules: String, input: String, config: String) {
        let dir = try makeTemporaryDirectory()
        let rules = dir.appendingPathComponent("r.rules"), input = dir.appendingPathComponent("attacks.json")
        let config = dir.appendingPathComponent("config.json")
        try Self.rules.write(to: rules, atomically: true, encoding: .utf8)
        try Self.blocksec.write(to: input, atomically: true, encoding: .utf8)
        try #"""
        {"rules": ["r.rules"], "feeds": [
          {"name": "bs", "preset": "blocksec", "mapping": {"summary": "/rootCause"}},
          {"name": "mine", "url": "https://x.example/api", "format": "json", "items_pointer": "/list",
           "mapping": {"name": "/project", "loss": "/loss", "date": "/date", "addresses": "/transactions/*/attacker"}}
        ]}
        """#.write(to: config, atomically: true, encoding: .utf8)
        return (dir, rules.path, input.path, config.path)
    }

    @Test func presetReadsTheInputWithItsMappingAndTransforms() throws {
        let f = try fixture()
        defer { try? FileManager.default.removeItem(at: f.dir) }
        let result = try Binary.run(["test", "--rules", f.rules, "--preset", "blocksec", "--input", f.input])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == """
            2026-05-23  low  attacker_known  StablR  $12.8M
            2026-05-23  high  big  StablR  $12.8M

            """)
    }

    @Test func configuredFeedUsesTheConfigsRulesAndMapping() throws {
        let f = try fixture()
        defer { try? FileManager.default.removeItem(at: f.dir) }
        let result = try Binary.run(["test", "--config", f.config, "--feed", "bs", "--input", f.input, "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines.allSatisfy { $0.contains(#""addresses":["0x044Dd988e68902c5D6D24Fe2054CbB2445Bd1E12"]"#) })
        #expect(lines.allSatisfy { $0.contains(#""summary":"Compromised Private Key""#) })  // the user's mapping override
        // A plain json feed: no transforms, so the chain id is not a name and "big" does not fire.
        let mine = try Binary.run(["test", "--config", f.config, "--feed", "mine", "--input", f.input])
        #expect(mine.status == 0, "\(mine.stderr)")
        #expect(mine.stdout == "2026-05-23  low  attacker_known  StablR  $12.8M\n")
    }

    @Test func formatJSONTakesAMapping() throws {
        let f = try fixture()
        defer { try? FileManager.default.removeItem(at: f.dir) }
        let without = try Binary.run(["test", "--rules", f.rules, "--format", "json", "--input", f.input])
        #expect(without.status != 0)
        #expect(without.stderr.contains("--format json needs --mapping"))
        let with = try Binary.run(["test", "--rules", f.rules, "--format", "json", "--input", f.input, "--items-pointer", "/list",
                                   "--mapping", #"{"name": "/project", "loss": "/loss", "date": "/date", "addresses": "/transactions/*/attacker"}"#])
        #expect(with.status == 0, "\(with.stderr)")
        #expect(with.stdout == "2026-05-23  low  attacker_known  StablR  $12.8M\n")
    }

    @Test(arguments: [
        (["--preset", "blocksek"], "unknown preset 'blocksek'; did you mean 'blocksec'?"),
        (["--feed", "bz"], "no feed 'bz' in"),
        (["--preset", "blocksec", "--format", "json"], "give exactly one of --feed (with --config), --preset or --format"),
    ])
    func badSelections(arguments: [String], message: String) throws {
        let f = try fixture()
        defer { try? FileManager.default.removeItem(at: f.dir) }
        let result = try Binary.run(["test", "--config", f.config, "--input", f.input] + arguments)
        #expect(result.status != 0)
        #expect(result.stderr.contains(message), "\(result.stderr)")
    }

    @Test func replayUsesTheFeedsOwnMapping() throws {
        let f = try fixture()
        defer { try? FileManager.default.removeItem(at: f.dir) }
        let result = try Binary.run(["replay", "--config", f.config, "--feed", "bs", "--input", f.input])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("big"))
        #expect(result.stdout.contains("StablR"))
    }

    @Test func presetsListsEverySourceAndSaysWhatIsNotConfirmed() throws {
        let result = try Binary.run(["presets"])
        #expect(result.status == 0, "\(result.stderr)")
        for name in ["defillama", "rekt", "rekt-rss", "slowmist", "defihacklabs", "defi-rekt", "blocksec", "web3isgoinggreat", "github-advisories"] {
            #expect(result.stdout.contains("\n\(name)") || result.stdout.hasPrefix(name), "\(name)")
        }
        #expect(result.stdout.contains("defi-rekt  (API key required)"))
        #expect(result.stdout.contains("not confirmable from here (no internet)"))
        let json = try Binary.run(["presets", "--json"])
        #expect(json.stdout.split(separator: "\n").count == 9)
        #expect(json.stdout.contains(#""name":"blocksec""#))
    }

    /// The daemon's own poll of a POST preset with a secret header (`once --dry-run`), against a
    /// loopback server that answers only a keyed JSON POST; the key never reaches the output.
    @Test func oncePollsAPostPresetWithASecretHeader() throws {
        let f = try fixture()
        defer { try? FileManager.default.removeItem(at: f.dir) }
        let body = Self.blocksec
        let server = try LoopbackHTTPServer { request in
            guard request.method == "POST", request.header("X-Api-Key") == "k-SECRET-1",
                  request.header("Content-Type") == "application/json",
                  String(decoding: request.body, as: UTF8.self).contains("pageSize") else { return .status(401) }
            return .text(body)
        }
        try #"""
        {"rules": ["r.rules"], "baseline": "0s", "state_dir": "state",
         "feeds": [{"name": "bs", "preset": "blocksec", "url": "\#(server.url("/api/v1/attack-events/list"))", "headers_env": "BS_HEADERS"}],
         "sinks": [{"name": "out", "type": "stdout", "default": true}]}
        """#.write(to: URL(fileURLWithPath: f.config), atomically: true, encoding: .utf8)
        var environment = ProcessInfo.processInfo.environment
        environment["BS_HEADERS"] = "X-Api-Key: k-SECRET-1"
        let result = try Binary.run(["once", "--config", f.config, "--dry-run"], environment: environment)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("would alert: [high] big, attacker_known: StablR ($12.8M, bs)"), "\(result.stdout)")
        #expect(server.requests.first?.method == "POST")
        environment["BS_HEADERS"] = "X-Api-Key: k-SECRET-2"
        let refused = try Binary.run(["once", "--config", f.config, "--dry-run"], environment: environment)
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("HTTP status 401"), "\(refused.stderr)")
        for output in [result.stdout, result.stderr, refused.stdout, refused.stderr] {
            #expect(!output.contains("k-SECRET"))
        }
    }
}
