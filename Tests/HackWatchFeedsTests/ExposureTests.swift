import Foundation
import Testing
import TestSupport
@testable import HackWatchConfiguration
@testable import HackWatchFeeds
@testable import HackWatchModel

/// Exposure watchlists and attribution overlays (README "Exposure").
@Suite struct ExposureTests {
    /// Writes `files` (name → text) into a fresh temp folder; returns the folder.
    static func folder(_ files: [String: String]) throws -> URL {
        let dir = try makeTemporaryDirectory("hackwatch-exposure")
        for (name, text) in files { try text.write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        return dir
    }

    /// Overlays loaded from files written for the test.
    static func overlays(exposure: String? = nil, attribution: String? = nil, sanctions: String? = nil) throws -> ExposureOverlays {
        var files: [String: String] = [:]
        if let exposure { files["exposure.json"] = exposure }
        if let attribution { files["attribution.json"] = attribution }
        if let sanctions { files["sdn.xml"] = sanctions }
        let dir = try folder(files)
        defer { try? FileManager.default.removeItem(at: dir) }
        return try ExposureOverlays.load(
            exposure: exposure == nil ? [] : [dir.appendingPathComponent("exposure.json").path],
            attribution: attribution == nil ? [] : [dir.appendingPathComponent("attribution.json").path],
            sanctions: sanctions == nil ? [] : [dir.appendingPathComponent("sdn.xml").path])
    }

    static func snapshotIncidents() throws -> [Incident]? {
        guard let bytes = FeedFixtures.defiLlamaSnapshot else { return nil }
        return try FeedParser.parse(bytes, config: FeedFixtures.config(.defillama, name: "defillama")).incidents
    }

    @Test func wormholeWithAliasPortalMarksTheDefiLlamaPortalIncidentExposed() throws {
        guard let incidents = try Self.snapshotIncidents() else { return }  // snapshot absent: nothing to check
        let overlays = try Self.overlays(exposure: """
            [{"name": "Wormhole", "aliases": ["Portal"], "kind": "bridge", "holdings_usd": 2500000, "owner": "treasury"}]
            """)
        let portal = try #require(incidents.first { $0.name == "Portal" })
        let applied = overlays.apply(to: portal)
        #expect(applied.exposed)
        #expect(applied.exposure == ["Wormhole"])
        #expect(applied.exposureUSD == Money(usd: 2_500_000))
        #expect(applied.exposureOwner == "treasury")
        let exposed = incidents.map(overlays.apply).filter(\.exposed).map(\.name)
        #expect(exposed == ["Portal"])
    }

    @Test func defiLlamaKeepsItsIdsOnTheIncident() throws {
        guard let incidents = try Self.snapshotIncidents() else { return }
        let portal = try #require(incidents.first { $0.name == "Portal" })
        #expect(portal.defillamaId == "1541")
        let venus = try #require(incidents.first { $0.name == "Venus Core Pool" })
        #expect(venus.parentProtocolId == "parent#venus-finance")
        // Kept through the store's JSON too.
        let decoded = try Incident(json: venus.jsonValue)
        #expect(decoded.defillamaId == venus.defillamaId && decoded.parentProtocolId == "parent#venus-finance")
    }

    @Test func anEntryByDefiLlamaIdMatchesRegardlessOfName() throws {
        guard let incidents = try Self.snapshotIncidents() else { return }
        let overlays = try Self.overlays(exposure: """
            [{"name": "Our Solana bridge", "kind": "bridge", "defillama_id": 1541},
             {"name": "Lending desk", "defillama_id": "parent#venus-finance"}]
            """)
        let matched = incidents.map(overlays.apply).filter(\.exposed)
        #expect(matched.contains { $0.name == "Portal" && $0.exposure == ["Our Solana bridge"] })
        let venus = matched.filter { $0.exposure == ["Lending desk"] }.map(\.name)
        #expect(!venus.isEmpty && venus.allSatisfy { $0.hasPrefix("Venus") }, "\(venus)")
        let portal = try #require(incidents.first { $0.name == "Portal" })
        #expect(overlays.reason(overlays.entries[0], matches: portal) == "defillama_id 1541")
    }

    /// A BlockSec-shaped export read by a json feed whose mapping takes the attacker address.
    static let blocksecLike = #"""
        {"count": 2, "list": [
          {"id": 597, "project": "StablR", "loss": "12800000.000000", "chainIds": [1],
           "transactions": [{"txnHash": "0x15f5", "chainId": 1, "attacker": "0x044Dd988e68902c5D6D24Fe2054CbB2445Bd1E12", "label": ""}],
           "media": "https://x.example/1", "rootCause": "Compromised Private Key", "date": 1779573360000, "rescued": "0"},
          {"id": 435, "project": "Trusted Volumes", "loss": "5870000.000000", "chainIds": [1],
           "transactions": [{"txnHash": "0xc5c6", "chainId": 1, "attacker": "", "label": ""}],
           "media": "", "rootCause": "Business Logic Flaw", "date": 1778114855000, "rescued": "0"}
        ]}
        """#

    @Test func anAddressOverlaySetsAttributionOnABlockSecRecordCarryingThatAddress() throws {
        let mapping = ["id": "/id", "name": "/project", "loss": "/loss", "date": "/date", "technique": "/rootCause",
                       "addresses": "/transactions/0/attacker"]
        let config = FeedFixtures.config(.json, name: "blocksec", mapping: mapping, itemsPointer: "/list")
        let incidents = try FeedParser.parse(Array(Self.blocksecLike.utf8), config: config).incidents
        #expect(incidents.map(\.addresses) == [["0x044Dd988e68902c5D6D24Fe2054CbB2445Bd1E12"], []])
        // Lowercase in the overlay: EVM hex addresses compare case-insensitively.
        let overlays = try Self.overlays(attribution: """
            {"addresses": {"0x044dd988e68902c5d6d24fe2054cbb2445bd1e12": "Lazarus Group"}}
            """)
        let applied = incidents.map(overlays.apply)
        #expect(applied.map(\.attribution) == ["Lazarus Group", nil])
        #expect(applied.map(\.attributionSource) == ["attribution", nil])
    }

    @Test func aFeedsOwnAttributionIsNeverOverwritten() throws {
        let overlays = try Self.overlays(attribution: #"{"names": {"Ronin": "Lazarus Group"}}"#)
        let own = Incident(id: "1", source: "rekt", name: "Ronin Network", attribution: "Someone Else")
        #expect(overlays.apply(to: own).attribution == "Someone Else")
        #expect(overlays.apply(to: own).attributionSource == nil)
        let bare = Incident(id: "2", source: "llama", name: "Ronin Bridge")
        #expect(overlays.apply(to: bare).attribution == "Lazarus Group")
        #expect(overlays.apply(to: Incident(id: "3", source: "llama", name: "Boronin")).attribution == nil)
    }

    @Test(arguments: [
        ("Ronin", "Boronin", false),
        ("Ronin", "Ronin Network", true),
        ("Ronin", "Ronin's bridge", true),
        ("Ronin", "Ronin Bridge (Axie)", true),
        ("Ronin", "Roninswap Finance", false),
        ("Curve", "Curve Finance", true),
        ("Curve", "Curvance", false),
        ("Poly Network", "PolyNetwork", true),
        ("Euler", "Euler Finance V1", true),
        ("Wormhole", "Portal", true),  // the correlator's own alias
        ("Harmony", "Horizon Bridge", true),  // and this one
        ("Harmony", "Harmony's Horizon Bridge", false),  // another project's key: harmonyhorizon
        ("Uni", "Uniswap", false),
    ])
    func namesMatchWholeAfterNormalisationNeverAsSubstrings(entry: String, incident: String, matches: Bool) throws {
        let overlays = ExposureOverlays(entries: [ExposureEntry(name: entry)])
        #expect(overlays.apply(to: Incident(id: "x", source: "s", name: incident)).exposed == matches)
    }

    @Test func chainEntriesMatchTheIncidentsChainsAndHeldChainsNarrowProtocols() throws {
        let overlays = ExposureOverlays(entries: [
            ExposureEntry(name: "BNB Chain", aliases: ["BSC"], kind: .chain, chains: ["Binance"]),
            ExposureEntry(name: "Uniswap", chains: ["Ethereum"]),
        ])
        let onBSC = Incident(id: "1", source: "s", name: "Some Farm", chains: ["BSC"])
        #expect(overlays.apply(to: onBSC).exposure == ["BNB Chain"])
        #expect(overlays.apply(to: Incident(id: "2", source: "s", name: "X", chains: ["Binance"])).exposure == ["BNB Chain"])
        #expect(overlays.apply(to: Incident(id: "3", source: "s", name: "Uniswap", chains: ["Arbitrum"])).exposure == [])
        #expect(overlays.apply(to: Incident(id: "4", source: "s", name: "Uniswap V3", chains: ["Arbitrum", "Ethereum"])).exposure == ["Uniswap"])
        #expect(overlays.apply(to: Incident(id: "5", source: "s", name: "Uniswap")).exposure == ["Uniswap"], "chains unknown: the name decides")
    }

    @Test func addressEntriesMatchOnlyByAddressAndTheLargestHolderOwns() throws {
        let overlays = try Self.overlays(exposure: """
            {"entries": [
              {"name": "Hot wallet", "kind": "address", "addresses": ["0x00000000219ab540356cBB839Cbe05303d7705Fa"], "holdings_usd": 1000, "owner": "ops"},
              {"name": "Vault", "holdings_usd": 5000000, "owner": "treasury"},
              {"name": "Vault Strategy", "aliases": ["Hot Wallet"], "holdings_usd": 5000000, "owner": "strategy"}
            ]}
            """)
        var incident = Incident(id: "1", source: "s", name: "Hot Wallet")
        #expect(overlays.apply(to: incident).exposure == ["Vault Strategy"], "an address entry's name is only a label")
        incident.name = "Vault"
        incident.addresses = ["0x00000000219AB540356CBB839CBE05303D7705FA"]
        let applied = overlays.apply(to: incident)
        #expect(applied.exposure == ["Hot wallet", "Vault"])
        #expect(applied.exposureUSD == Money(usd: 5_001_000))
        #expect(applied.exposureOwner == "treasury")
    }

    @Test func groupNamingTagsSetAttribution() throws {
        let overlays = ExposureOverlays()
        let tagged = Incident(id: "1", source: "rekt", name: "Atomic Wallet", tags: ["Wallet", "Lazarus"])
        #expect(overlays.apply(to: tagged).attribution == "Lazarus Group")
        #expect(overlays.apply(to: tagged).attributionSource == "tags")
        #expect(overlays.apply(to: Incident(id: "2", source: "rekt", name: "X", tags: ["North Korea"])).attribution == "Lazarus Group")
        #expect(overlays.apply(to: Incident(id: "3", source: "rekt", name: "X", tags: ["Lazarus-style exploit"])).attribution == nil)
    }

    /// Written from the SDN.XML layout OFAC documents: `sdnEntry` with names, `programList`,
    /// and an `idList` of `id`s whose `idType` is "Digital Currency Address - XXX".
    static let sdnFixture = """
        <?xml version="1.0" standalone="yes"?>
        <sdnList xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns="https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/XML">
          <publshInformation><Publish_Date>05/28/2026</Publish_Date><Record_Count>2</Record_Count></publshInformation>
          <sdnEntry>
            <uid>24500</uid>
            <lastName>LAZARUS GROUP</lastName>
            <sdnType>Entity</sdnType>
            <programList><program>DPRK3</program></programList>
            <idList>
              <id><uid>1001</uid><idType>Digital Currency Address - ETH</idType><idNumber>0x098B716B8Aaf21512996dC57EB0615e2383E2f96</idNumber></id>
              <id><uid>1002</uid><idType>Registration Number</idType><idNumber>0x1111111111111111111111111111111111111111</idNumber></id>
              <id><uid>1003</uid><idType>Digital Currency Address - XBT</idType><idNumber>bc1qa5wkgaew2dkv56kfvj49j0av5nml45x9ek9hz6</idNumber></id>
            </idList>
            <akaList><aka><uid>9</uid><type>a.k.a.</type><category>strong</category><lastName>APPLEWORM</lastName></aka></akaList>
          </sdnEntry>
          <sdnEntry>
            <uid>24501</uid><firstName>Ivan</firstName><lastName>EXAMPLE</lastName><sdnType>Individual</sdnType>
            <idList><id><uid>1004</uid><idType>Passport</idType><idNumber>AB123</idNumber></id></idList>
          </sdnEntry>
        </sdnList>
        """

    @Test func sanctionsListAddressesAttributeIncidentsCarryingThem() throws {
        let listed = try SanctionsList.digitalCurrencyAddresses(inSDN: Array(Self.sdnFixture.utf8))
        #expect(listed == [
            .init(address: "0x098B716B8Aaf21512996dC57EB0615e2383E2f96", currency: "ETH", entity: "LAZARUS GROUP"),
            .init(address: "bc1qa5wkgaew2dkv56kfvj49j0av5nml45x9ek9hz6", currency: "XBT", entity: "LAZARUS GROUP"),
        ])
        let overlays = try Self.overlays(sanctions: Self.sdnFixture)
        var incident = Incident(id: "1", source: "s", name: "Ronin Bridge")
        incident.addresses = ["0x098b716b8aaf21512996dc57eb0615e2383e2f96"]
        let applied = overlays.apply(to: incident)
        #expect(applied.attribution == "LAZARUS GROUP" && applied.attributionSource == "sanctions")
        incident.addresses = ["0x1111111111111111111111111111111111111111"]
        #expect(overlays.apply(to: incident).attribution == nil, "only digital currency address ids count")
    }

    @Test(arguments: [
        ("<html><body>hi</body></html>", "sdn.xml: $: no <sdnEntry> elements: expected the OFAC SDN XML (SDN.XML)"),
        ("<sdnList><sdnEntry>", "sdn.xml: $: not a readable SDN XML file:"),
        // XXE and billion laughs: main's hardened libxml2 reading expands nothing, and the list refuses a DTD.
        (#"<?xml version="1.0"?><!DOCTYPE sdnList [<!ENTITY x SYSTEM "file:///etc/passwd">]><sdnList><sdnEntry><lastName>&x;</lastName></sdnEntry></sdnList>"#,
         "sdn.xml: $: not a readable SDN XML file: a <!DOCTYPE> is not accepted (its entities would not be expanded)"),
        (#"<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><sdnList><sdnEntry><lastName>&c;</lastName></sdnEntry></sdnList>"#,
         "sdn.xml: $: not a readable SDN XML file: a <!DOCTYPE> is not accepted (its entities would not be expanded)"),
    ])
    func badSanctionsFilesAreClearErrors(text: String, expected: String) throws {
        let error = #expect(throws: ExposureOverlays.LoadError.self) { _ = try Self.overlays(sanctions: text) }
        let shown = "\(error.map { "\($0)" } ?? "")".replacingOccurrences(of: #"^.*/sdn\.xml"#, with: "sdn.xml", options: .regularExpression)
        #expect(shown.hasPrefix(expected), "\(shown)")
    }

    @Test(arguments: [
        (#"[{"name": "Ronin"}, {"name": "Ronin Network"}]"#,
         "$[1].name: duplicate entry name 'Ronin Network' (same as 'Ronin' at $[0])"),
        (#"[{"name": "Wormhole", "kind": "brige"}]"#,
         "$[0].kind: unknown kind 'brige'; did you mean 'bridge'? (kinds: protocol, bridge, chain, token, vendor, address)"),
        (#"[{"name": "Hot", "kind": "address", "addresses": ["0x1234"]}]"#,
         "$[0].addresses[0]: '0x1234' is not an address: 0x must be followed by 40 hex digits"),
        (#"[{"name": "Hot", "kind": "address", "addresses": ["not an address"]}]"#,
         "$[0].addresses[0]: 'not an address' is not an address: expected 0x and 40 hex digits, or 25 to 90 letters and digits"),
        (#"[{"name": "Hot", "kind": "address"}]"#, "$[0]: an entry of kind 'address' needs 'addresses'"),
        (#"[{"name": "Aave", "aliasses": ["x"]}]"#, "$[0].aliasses: unknown key 'aliasses'; did you mean 'aliases'?"),
        (#"[{"kind": "chain"}]"#, "$[0].name: required key is missing"),
        (#"[{"name": "Aave", "holdings_usd": "lots"}]"#, "$[0].holdings_usd: expected a non-negative number of USD, got string"),
        (#"[{"name": "Aave", "defillama_id": [true]}]"#, "$[0].defillama_id[0]: expected a string or an integer, got boolean"),
        (#"{"entries": [{"name": "???"}]}"#, "$.entries[0].name: '???' has no letters or digits to match by"),
        ("[{\"name\": \"Aave\",\n}]", "$: invalid JSON:"),
    ])
    func checkReportsExposureFileProblemsWithFileAndJSONPath(text: String, expected: String) throws {
        do {
            _ = try Self.overlays(exposure: text)
            Issue.record("no error for \(text)")
        } catch let error as ExposureOverlays.LoadError {
            let lines = error.files.flatMap(\.problems).map(\.description)
            #expect(lines.contains { $0.hasPrefix(expected) }, "\(lines)")
            #expect(error.description.contains("exposure.json: "), "\(error)")
        }
    }

    @Test func duplicateNamesAcrossFilesAreReported() throws {
        let dir = try Self.folder(["a.json": #"[{"name": "Aave"}]"#, "b.json": #"[{"name": "AAVE V3"}]"#])
        defer { try? FileManager.default.removeItem(at: dir) }
        let a = dir.appendingPathComponent("a.json").path, b = dir.appendingPathComponent("b.json").path
        #expect(throws: ExposureOverlays.LoadError(files: [ConfigError(file: b, problems: [
            ConfigProblem(path: "$[0].name", message: "duplicate entry name 'AAVE V3' (same as 'Aave' in \(a))"),
        ])])) {
            _ = try ExposureOverlays.load(exposure: [a, b], attribution: [], sanctions: [])
        }
    }

    @Test func theBacktestListsEachEntrysIncidentsAndWhy() throws {
        let overlays = try Self.overlays(exposure: """
            [{"name": "Wormhole", "aliases": ["Portal"], "kind": "bridge", "holdings_usd": 2500000, "owner": "treasury"},
             {"name": "Ronin", "kind": "chain"},
             {"name": "Ledger", "kind": "vendor"}]
            """)
        let incidents = [
            Incident(id: "1", source: "s", name: "Ronin Bridge", date: FeedFixtures.date("2022-03-23"), loss: Money(usd: 624e6)),
            Incident(id: "2", source: "s", name: "Portal", date: FeedFixtures.date("2022-02-02"), loss: Money(usd: 326e6)),
            Incident(id: "3", source: "s", name: "Boronin", date: FeedFixtures.date("2023-01-01")),
            Incident(id: "4", source: "s", name: "Axie Farm", chains: ["Ronin"]),
        ]
        #expect(overlays.backtest(incidents) == """
            Wormhole (bridge, owner treasury, $2.5M held): 1 incident
              2022-02-02  Portal  $326M  name 'Portal'
            Ronin (chain): 2 incidents
              ????-??-??  Axie Farm  loss unknown  chain 'Ronin'
              2022-03-23  Ronin Bridge  $624M  name 'Ronin Bridge'
            Ledger (vendor): no incidents
            3 entries; 3 of 4 incidents matched
            """)
    }
}
