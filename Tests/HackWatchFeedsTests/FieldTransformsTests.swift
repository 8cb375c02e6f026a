import Foundation
import Testing
@testable import HackWatchConfiguration
@testable import HackWatchFeeds
@testable import HackWatchModel

/// `FieldTransforms.apply` on its own (as the json and xml mappings call it) and through the json mapping.
@Suite struct FieldTransformsTests {
    static func apply(_ transform: FieldTransform, _ values: [String], members: [String: String] = [:],
                      fields: [String: [String]] = [:]) -> [String] {
        FieldTransforms.apply(transform, to: values, member: { members[$0] }, field: { fields[$0] ?? [] })
    }

    static let rekt = FieldTransform(strip: [" - REKT", " - Rekt II", " - REKT 2"])

    @Test(arguments: [
        ("ByBit - Rekt", "ByBit"),
        ("Ronin Network - REKT", "Ronin Network"),
        ("Poly Network - REKT 2", "Poly Network"),
        ("Cream Finance - Rekt II", "Cream Finance"),
        ("The One That Got Away", "The One That Got Away"),
        ("  Padded - REKT  ", "Padded"),
        ("REKT - REKT", "REKT"),
    ])
    func stripRemovesLiteralSuffixes(title: String, name: String) {
        #expect(Self.apply(Self.rekt, [title]) == [name])
    }

    @Test func stripRemovesPrefixesToo() {
        #expect(Self.apply(FieldTransform(strip: ["Hacked target:"]), ["Hacked target: MoneyMon"]) == ["MoneyMon"])
        // Nothing left: the value is dropped, the field is unknown.
        #expect(Self.apply(FieldTransform(strip: [" - REKT"]), ["- REKT"]) == [])
    }

    @Test(arguments: [
        ("1", "Ethereum"), ("56", "BSC"), ("137", "Polygon"), ("42161", "Arbitrum"), ("10", "Optimism"),
        ("8453", "Base"), ("43114", "Avalanche"), ("250", "Fantom"), (" 1 ", "Ethereum"), ("77777777", "77777777"),
    ])
    func evmChainIDs(id: String, chain: String) {
        #expect(Self.apply(FieldTransform(map: "evm-chain-ids"), [id]) == [chain])
    }

    @Test func templateNamesItemMembers() {
        let url = FieldTransform(template: "https://rekt.news/{{slug}}")
        #expect(Self.apply(url, [], members: ["slug": "bybit-rekt"]) == ["https://rekt.news/bybit-rekt"])
        // Percent-encoded for a URL path; a missing member leaves the field unknown, not a half URL.
        #expect(Self.apply(url, [], members: ["slug": "a b?c"]) == ["https://rekt.news/a%20b%3Fc"])
        #expect(Self.apply(url, [], members: [:]) == [])
        #expect(Self.apply(url, [], members: ["slug": "  "]) == [])
    }

    @Test func attributionFromTagsNamesAKnownGroup() {
        let from = FieldTransform(from: "tags")
        #expect(Self.apply(from, [], fields: ["tags": ["ByBit", "Rekt", "Lazarus"]]) == ["Lazarus Group"])
        #expect(Self.apply(from, [], fields: ["tags": ["DPRK"]]) == ["Lazarus Group"])
        #expect(Self.apply(from, [], fields: ["tags": ["north korea"]]) == ["Lazarus Group"])
        #expect(Self.apply(from, [], fields: ["tags": ["Solana", "Phishing"]]) == [])
    }

    /// The json mapping: `*` pointers collect lists, transforms run on what they found.
    @Test func throughTheJSONMapping() throws {
        let body = #"""
        {"rows": [{"title": "Euler Finance - REKT", "slug": "euler-rekt", "chains": [1, 42161], "tags": ["Lazarus"],
                   "txs": [{"hash": "0xaa", "from": "0x01"}, {"hash": "0xbb", "from": null}, {"hash": "0xcc"}]},
                  {"title": "Bare", "chains": [], "txs": []}]}
        """#
        var config = FeedFixtures.config(.json, name: "t", mapping: [
            "name": "/title", "chains": "/chains", "tags": "/tags", "addresses": "/txs/*/from",
            "transactions": "/txs/*/hash", "id": "/txs/*/hash",
        ], itemsPointer: "/rows")
        config.transforms = [
            "name": FieldTransform(strip: [" - REKT"]), "chains": FieldTransform(map: "evm-chain-ids"),
            "url": FieldTransform(template: "https://rekt.news/{{slug}}"), "attribution": FieldTransform(from: "tags"),
        ]
        let result = try FeedParser.parse(Array(body.utf8), config: config)
        #expect(result.warnings == [])
        let euler = try #require(result.incidents.first)
        #expect(euler.name == "Euler Finance")
        #expect(euler.chains == ["Ethereum", "Arbitrum"])
        #expect(euler.url == "https://rekt.news/euler-rekt")
        #expect(euler.attribution == "Lazarus Group")
        #expect(euler.addresses == ["0x01"])
        #expect(euler.transactions == ["0xaa", "0xbb", "0xcc"])
        // A one-value field takes the first value a `*` pointer finds.
        #expect(euler.id == "0xaa")
        let bare = try #require(result.incidents.last)
        #expect(bare.url == nil && bare.attribution == nil && bare.addresses == [] && bare.transactions == [])
    }
}
