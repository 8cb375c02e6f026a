import Foundation
import Testing
@testable import HackWatchConfiguration
@testable import HackWatchFeeds
@testable import HackWatchModel

@Suite struct JSONMappingTests {
    /// Shaped like BlockSec's attack-events export (wrapped list, ms dates, string amounts).
    static let blocksecLike = #"""
    {"count": 3, "list": [
      {"id": 597, "project": "StablR", "loss": "12800000.000000", "chainIds": [1], "media": "https://x.example/1",
       "rootCause": "Compromised Private Key", "date": 1779573360000, "rescued": "0", "meta": {"a/b": {"x~y": "deep"}}},
      {"id": 563, "project": "Orbit Bridge", "loss": "81,500,000", "chainIds": [], "media": "",
       "rootCause": "Compromised Private Key", "date": 1704153600000, "rescued": null, "meta": {}},
      {"id": 12, "project": {"oops": 1}, "loss": "1", "date": 0}
    ]}
    """#

    static let blocksecMapping = [
        "id": "/id", "name": "/project", "loss": "/loss", "returned": "/rescued", "url": "/media",
        "technique": "/rootCause", "date": "/date", "chains": "/chainIds", "summary": "/meta/a~1b/x~0y",
    ]

    @Test func wrappedListWithPointers() throws {
        let config = FeedFixtures.config(.json, name: "bs", mapping: Self.blocksecMapping, itemsPointer: "/list")
        let result = try FeedParser.parse(Array(Self.blocksecLike.utf8), config: config)
        #expect(result.incidents.count == 2)
        #expect(result.warnings == ["bs: record 2 skipped: 'name' at /project should be a string, found object"])
        let stablr = result.incidents[0]
        #expect(stablr.id == "597")
        #expect(stablr.name == "StablR")
        #expect(stablr.loss == Money(usd: 12.8e6))
        #expect(stablr.returned == Money(usd: 0))
        #expect(stablr.date == Date(timeIntervalSince1970: 1779573360))
        #expect(stablr.chains == ["1"])
        #expect(stablr.summary == "deep")  // ~1 and ~0 escapes
        #expect(stablr.url == "https://x.example/1")
        #expect(stablr.title == "StablR hacked: $12.8M lost")
        let orbit = result.incidents[1]
        #expect(orbit.url == nil && orbit.returned == nil)
        #expect(orbit.loss == Money(usd: 81.5e6))
        #expect(orbit.bridge == true)  // inferred from the text
    }

    /// A huge number in a list (chain ids, tags) is text like a huge scalar, not a trap converting it to Int64.
    @Test func hugeNumbersInListsAreKeptAsText() throws {
        let config = FeedFixtures.config(.json, name: "n", mapping: ["name": "/name", "id": "/id", "chains": "/chains", "tags": "/tags"])
        let body = #"[{"name": "Huge", "id": 1e300, "chains": [1e300, 56], "tags": [-1e19]}]"#
        let incident = try #require(try FeedParser.parse(Array(body.utf8), config: config).incidents.first)
        #expect(incident.id == "1e+300")
        #expect(incident.chains == ["1e+300", "56"])
        #expect(incident.tags == ["-1e+19"])
    }

    /// An amount that overflows once scaled is unknown with a warning, never an infinite loss.
    @Test func overflowingScaledAmountIsUnknown() throws {
        let config = FeedFixtures.config(.json, name: "s", mapping: ["name": "/name", "loss": "/loss"], amountScale: 1e10)
        let result = try FeedParser.parse(Array(#"[{"name": "Big", "loss": 1e300}]"#.utf8), config: config)
        #expect(result.incidents.first?.loss == nil)
        #expect(result.warnings == ["s: record 0: 'loss' is too large once scaled by amount_scale; kept as unknown"])
    }

    /// Shaped like DeFiHackLabs' incident explorer: root array, YYYYMMDD, amounts in token units, duplicate rows.
    static let explorerLike = #"""
    [
      {"date": "20260807", "name": "ZKPanther", "type": "Governance Attack", "Lost": 5120000.0, "lossType": "ZKP", "chain": "Base"},
      {"date": "20260804", "name": "Nereus", "type": "Proxy Upgrade Attack", "Lost": 23760.0, "lossType": "USD", "chain": "Ethereum"},
      {"date": "20260804", "name": "Nereus", "type": "Proxy Upgrade Attack", "Lost": 23760.0, "lossType": "USD", "chain": "Ethereum"},
      {"date": "someday", "name": "Later", "type": "Bridge Exploit", "Lost": "-", "lossType": "USD", "chain": "BNB Chain, Ethereum"}
    ]
    """#

    @Test func rootArrayUnitsAndDuplicates() throws {
        let config = FeedFixtures.config(.json, name: "dhl", mapping: [
            "name": "/name", "date": "/date", "loss": "/Lost", "loss_currency": "/lossType", "technique": "/type", "chains": "/chain",
        ])
        let result = try FeedParser.parse(Array(Self.explorerLike.utf8), config: config)
        #expect(result.incidents.map(\.name) == ["ZKPanther", "Nereus", "Later"])
        #expect(result.incidents[0].loss == nil)  // 5,120,000 ZKP is not USD
        #expect(result.incidents[0].date == FeedFixtures.date("2026-08-07"))
        #expect(result.incidents[1].loss == Money(usd: 23760))
        #expect(result.incidents[2].chains == ["BNB Chain", "Ethereum"])
        #expect(result.incidents[2].date == nil && result.incidents[2].bridge == true)
        #expect(result.warnings == [
            "dhl: record 3: 'Later': date \"someday\" not understood; kept as unknown",
            "dhl: record 2 skipped: identical to record 1",
        ])
        #expect(Set(result.incidents.map(\.id)).count == 3)
    }

    @Test func amountScaleAndExplicitBridge() throws {
        let config = FeedFixtures.config(.json, mapping: ["name": "/n", "loss": "/m", "bridge": "/b", "date": "/d"],
                                         amountScale: 1e6, dateFormat: "unix")
        let result = try FeedParser.parse(Array(#"[{"n":"A Bridge","m":1.5,"b":"no","d":1647993600}]"#.utf8), config: config)
        #expect(result.incidents.first?.loss == Money(usd: 1.5e6))
        #expect(result.incidents.first?.bridge == false)
        #expect(result.incidents.first?.date == FeedFixtures.date("2022-03-23"))
    }

    @Test func validation() {
        let bad = FeedFixtures.config(.json, mapping: ["los": "/amount", "titel": "/t", "url": "no-slash", "summary": "/a~2"],
                                      itemsPointer: "items", amountScale: 0, dateFormat: "unixms")
        #expect(JSONMapping.validate(bad) == [
            "mapping.los: unknown field 'los'; did you mean 'loss'?",
            "mapping.summary: invalid JSON Pointer '/a~2': '~' must be followed by 0 or 1",
            "mapping.titel: unknown field 'titel'; did you mean 'title'?",
            "mapping.url: invalid JSON Pointer 'no-slash': must be empty or start with '/'",
            "mapping: 'name' is required (a JSON Pointer to the protocol's name, e.g. \"/name\")",
            "items_pointer: invalid JSON Pointer 'items': must be empty or start with '/'",
            "amount_scale: must be a positive number, got 0.0",
            "date_format: 'unixms' is not one of unix, unix_ms, iso8601, guess; did you mean 'unix_ms'?",
        ])
        #expect(JSONMapping.validate(FeedFixtures.config(.json, mapping: ["name": "/name"])) == [])
        #expect(JSONMapping.validate(FeedFixtures.config(.rss, mapping: ["name": "/name"])).count == 1)
        #expect(throws: FeedError.self) { try FeedParser.parse(Array("[]".utf8), config: bad) }
    }

    @Test func pointers() throws {
        let doc = try JSONValue.parse(Array(#"{"a": [10, {"b/c": 1, "d~e": 2, "": 3}], "01": 4}"#.utf8), options: .feed)
        #expect(try JSONPointer("").resolve(in: doc) == doc)
        #expect(try JSONPointer("/a/0").resolve(in: doc) == .number(10))
        #expect(try JSONPointer("/a/1/b~1c").resolve(in: doc) == .number(1))
        #expect(try JSONPointer("/a/1/d~0e").resolve(in: doc) == .number(2))
        #expect(try JSONPointer("/a/1/").resolve(in: doc) == .number(3))
        #expect(try JSONPointer("/01").resolve(in: doc) == .number(4))
        #expect(try JSONPointer("/a/01").resolve(in: doc) == nil)
        #expect(try JSONPointer("/a/-").resolve(in: doc) == nil)
        #expect(try JSONPointer("/a/9").resolve(in: doc) == nil)
        #expect(try JSONPointer("/a/0/x").resolve(in: doc) == nil)
        #expect(throws: JSONPointer.Error.badEscape("/~")) { try JSONPointer("/~") }
    }

    @Test func itemsPointerMustDesignateAnArray() {
        let config = FeedFixtures.config(.json, mapping: ["name": "/n"], itemsPointer: "/count")
        #expect(throws: FeedError.unexpectedShape("json: items_pointer '/count' designates number, not an array")) {
            try FeedParser.parse(Array(Self.blocksecLike.utf8), config: config)
        }
        #expect(throws: FeedError.self) {
            try FeedParser.parse(Array(Self.blocksecLike.utf8), config: FeedFixtures.config(.json, mapping: ["name": "/n"], itemsPointer: "/nope"))
        }
    }

    @Test func autoPicksGenericJSONForNonDefiLlamaShapes() throws {
        #expect(try FeedParser.sniff(Array(Self.blocksecLike.utf8)) == .json)
        #expect(try FeedParser.sniff(Array(Self.explorerLike.utf8)) == .json)
    }

    /// The real DeFiHackLabs explorer file (when present) maps without a single skipped record.
    @Test(.enabled(if: FeedFixtures.shared("defihacklabs/incident-explorer_incidents.json") != nil,
                   "shared/feeds/defihacklabs snapshot not found (set HACKWATCH_SHARED or place shared/ beside the repo)"))
    func realExplorerSnapshot() throws {
        let bytes = try #require(FeedFixtures.shared("defihacklabs/incident-explorer_incidents.json"))
        let config = FeedFixtures.config(.json, name: "dhl", mapping: [
            "name": "/name", "date": "/date", "loss": "/Lost", "loss_currency": "/lossType", "technique": "/type", "chains": "/chain",
        ])
        let result = try FeedParser.parse(bytes, config: config)
        #expect(result.incidents.count > 800)
        #expect(!result.warnings.contains { $0.contains("skipped:") && !$0.contains("identical") })
        #expect(Set(result.incidents.map(\.id)).count == result.incidents.count)
        #expect(result.incidents.allSatisfy { $0.date != nil })
    }
}
