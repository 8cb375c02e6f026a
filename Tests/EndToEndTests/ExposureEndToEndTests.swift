import Foundation
import Testing
import TestSupport

/// Exposure watchlists through the real binary (README "Exposure").
@Suite(.serialized) struct ExposureEndToEndTests {
    static let rules = "rule we_are_exposed {\n    when exposed\n    severity critical\n}\n"

    static func writeExposure(_ text: String, in harness: DaemonHarness) throws {
        try text.write(to: harness.dir.appendingPathComponent("exposure.json"), atomically: true, encoding: .utf8)
    }

    /// The `exposure` member of each delivered alert's incident, in delivery order.
    static func deliveredExposure(_ harness: DaemonHarness) -> [[String]] {
        harness.webhook.requests.filter { $0.method == "POST" }.compactMap { request in
            guard let object = try? JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any],
                  let incident = object["incident"] as? [String: Any] else { return nil }
            return incident["exposure"] as? [String]
        }
    }

    @Test func anEditToTheExposureFileTakesEffectOnSIGHUP() throws {
        let alpha = FeedRecord(name: "Alpha Finance", daysAgo: 0, loss: 1_000_000)
        let harness = try DaemonHarness(rules: Self.rules, feed: [alpha], extra: #", "exposure": ["exposure.json"]"#)
        defer { harness.stopAndClean() }
        try Self.writeExposure(#"[{"name": "Alpha", "owner": "treasury"}]"#, in: harness)
        try harness.start()
        #expect(harness.waitForDeliveries(1))
        #expect(harness.deliveries.map { "\($0.rule):\($0.incident)" } == ["we_are_exposed:Alpha Finance"])

        // A broken edit is refused whole, with the file and JSON path; the old watchlist stays.
        try Self.writeExposure(#"[{"name": "Beta", "kind": "brige"}]"#, in: harness)
        harness.signal(SIGHUP)
        #expect(harness.waitForLog("reload failed"))
        #expect(harness.stderr.contains("exposure.json: $[0].kind: unknown kind 'brige'; did you mean 'bridge'?"), "\(harness.stderr)")

        try Self.writeExposure(#"[{"name": "Beta", "kind": "bridge"}]"#, in: harness)
        harness.signal(SIGHUP)
        #expect(harness.waitForLog("reloaded"))
        harness.setFeed([alpha, FeedRecord(name: "Beta Bridge", daysAgo: 0, loss: 2_000_000),
                         FeedRecord(name: "Alphabet", daysAgo: 0, loss: 3_000_000)])
        #expect(harness.waitForDeliveries(2))
        let polls = harness.feedServer.requests.count
        #expect(harness.waitForPolls(polls + 2))
        #expect(harness.deliveries.map { "\($0.rule):\($0.incident)" } == ["we_are_exposed:Alpha Finance", "we_are_exposed:Beta Bridge"])
        #expect(Self.deliveredExposure(harness) == [["Alpha"], ["Beta"]])
        harness.signal(SIGTERM)
        #expect(harness.waitForExit() == 0)
    }

    @Test func exposureCheckListsThePastIncidentsEachEntryMatches() throws {
        let dir = try makeTemporaryDirectory("hackwatch-exposure-e2e")
        defer { try? FileManager.default.removeItem(at: dir) }
        let feed = """
            [{"name": "Portal", "date": 1643760000, "amount": 326000000, "chain": ["Solana"], "bridgeHack": true,
              "technique": "Signature Exploit", "defillamaId": 1541},
             {"name": "Ronin Bridge", "date": 1648000000, "amount": 624000000, "chain": ["Ethereum"], "bridgeHack": true,
              "technique": "Private Key Compromised"},
             {"name": "Boronin", "date": 1650000000, "amount": 1000, "chain": ["BSC"], "bridgeHack": false, "technique": "x"},
             {"name": "Farm", "date": 1660000000, "amount": null, "chain": ["Ronin"], "bridgeHack": false, "technique": "x"}]
            """
        try feed.write(to: dir.appendingPathComponent("hacks.json"), atomically: true, encoding: .utf8)
        try """
            [{"name": "Solana bridge", "defillama_id": 1541, "holdings_usd": 2500000, "owner": "treasury"},
             {"name": "Ronin", "kind": "chain"},
             {"name": "Ledger", "kind": "vendor"}]
            """.write(to: dir.appendingPathComponent("exposure.json"), atomically: true, encoding: .utf8)
        try #"{"rules": [], "exposure": "exposure.json", "feeds": [], "sinks": []}"#
            .write(to: dir.appendingPathComponent("config.json"), atomically: true, encoding: .utf8)
        let config = dir.appendingPathComponent("config.json").path
        let result = try Binary.run(["exposure", "check", "--config", config,
                                     "--input", dir.appendingPathComponent("hacks.json").path, "--format", "defillama"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == """
            Solana bridge (protocol, owner treasury, $2.5M held): 1 incident
              2022-02-02  Portal  $326M  defillama_id 1541
            Ronin (chain): 2 incidents
              2022-03-23  Ronin Bridge  $624M  name 'Ronin Bridge'
              2022-08-08  Farm  loss unknown  chain 'Ronin'
            Ledger (vendor): no incidents
            3 entries; 3 of 4 incidents matched

            """)

        // No --input and no state database yet: a clear error.
        let noState = try Binary.run(["exposure", "check", "--config", config])
        #expect(noState.status == 1)
        #expect(noState.stderr.contains("does not exist): pass --input FILE --format F"), "\(noState.stderr)")
    }

    @Test func checkValidatesTheExposureFile() throws {
        let dir = try makeTemporaryDirectory("hackwatch-exposure-e2e")
        defer { try? FileManager.default.removeItem(at: dir) }
        try #"[{"name": "Ronin"}, {"name": "Ronin Network", "addresses": ["0xnope"]}, {"name": "X", "kind": "wallet"}]"#
            .write(to: dir.appendingPathComponent("exposure.json"), atomically: true, encoding: .utf8)
        try #"{"rules": [], "exposure": ["exposure.json", "missing.json"], "feeds": [], "sinks": []}"#
            .write(to: dir.appendingPathComponent("config.json"), atomically: true, encoding: .utf8)
        let result = try Binary.run(["check", "--config", dir.appendingPathComponent("config.json").path])
        #expect(result.status == 1)
        let exposure = dir.appendingPathComponent("exposure.json").path
        #expect(result.stderr.contains("\(exposure): $[1].addresses[0]: '0xnope' is not an address: 0x must be followed by 40 hex digits"), "\(result.stderr)")
        #expect(result.stderr.contains("\(exposure): $[2].kind: unknown kind 'wallet'"), "\(result.stderr)")
        #expect(result.stderr.contains("\(dir.appendingPathComponent("missing.json").path): $: no such file"), "\(result.stderr)")
    }

    /// The real DefiLlama snapshot (`shared/feeds/defillama/api.llama.fi_hacks_*.json` above the
    /// repository, or under `$HACKWATCH_SHARED`), nil when absent.
    static var defiLlamaSnapshot: URL? {
        var candidates: [URL] = []
        if let shared = ProcessInfo.processInfo.environment["HACKWATCH_SHARED"], !shared.isEmpty {
            candidates.append(URL(fileURLWithPath: shared).appendingPathComponent("feeds/defillama"))
        }
        var base = Binary.repoRoot.deletingLastPathComponent()
        while base.path != "/" {
            candidates.append(base.appendingPathComponent("shared/feeds/defillama"))
            base = base.deletingLastPathComponent()
        }
        for folder in candidates {
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path),
                  let name = names.filter({ $0.hasPrefix("api.llama.fi_hacks") && $0.hasSuffix(".json") }).sorted().last else { continue }
            return folder.appendingPathComponent(name)
        }
        return nil
    }

    /// The shipped config, rules, exposure and attribution examples on the real snapshot:
    /// `dprk_attribution` fires from the overlay (DefiLlama has no attribution field) and
    /// `we_are_exposed` on Portal by alias and on Aave V3 by DefiLlama parent id.
    @Test func replayWithTheShippedExamplesFiresFromTheOverlays() throws {
        guard let snapshot = Self.defiLlamaSnapshot else { return }  // no shared snapshots here
        let config = Binary.repoRoot.appendingPathComponent("config.example.json").path
        let result = try Binary.run(["replay", "--config", config, "--input", snapshot.path, "--format", "defillama"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("2022-02-02  critical we_are_exposed: Portal ($326M)"), "\(result.stdout)")
        #expect(result.stdout.contains("critical we_are_exposed: Aave V3"), "\(result.stdout)")
        #expect(result.stdout.contains("2022-03-23  high     dprk_attribution: Ronin Bridge ($624M)"), "\(result.stdout)")
        #expect(!result.stdout.contains("  dprk_attribution        0"))
        let check = try Binary.run(["check", "--config", config])
        #expect(check.stdout.contains("7 rules, 5 exposure entries"), "\(check.stdout)")
    }
}
