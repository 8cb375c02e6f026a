import Foundation
import Testing
@testable import HackWatchFeeds
@testable import HackWatchModel

@Suite struct DefiLlamaTests {
    static let sample = #"""
    [{"date":1647993600,"name":"Ronin Bridge","classification":"Infrastructure","technique":"Private Key Compromised (Social Engineering)","amount":624000000,"chain":["Ethereum"],"bridgeHack":true,"targetType":"DeFi Protocol","source":"","returnedFunds":null,"defillamaId":4440,"language":null},
     {"date":1643760000,"name":"Portal","classification":"Protocol Logic","technique":"Signature Exploit","amount":326000000,"chain":["Solana"],"bridgeHack":true,"targetType":"DeFi Protocol","source":"","returnedFunds":326000000,"defillamaId":1541,"language":"Rust","newField":{"x":[1,2]}},
     {"date":1751932800,"name":"Peapods Finance\n\n","classification":null,"technique":null,"amount":null,"chain":null,"bridgeHack":false,"targetType":"DeFi Protocol","source":"https://example.org/peapods","returnedFunds":null,"defillamaId":null,"parentProtocolId":"parent#peapods","language":"Solidity"},
     {"date":1740096000,"name":"Bybit","classification":"Protocol Logic","technique":"Safe Multisig wallet Phishing Exploit","amount":1400000000,"chain":[],"bridgeHack":false,"targetType":"CEX","source":"","returnedFunds":null,"defillamaId":2286,"language":"Solidity"}]
    """#

    @Test func mapsFields() throws {
        let result = try FeedFixtures.parse(Self.sample, .defillama, name: "llama")
        #expect(result.warnings.isEmpty)
        #expect(result.incidents.count == 4)
        let ronin = result.incidents[0]
        #expect(ronin.name == "Ronin Bridge")
        #expect(ronin.source == "llama" && ronin.sources == ["llama"])
        #expect(ronin.date == FeedFixtures.date("2022-03-23"))
        #expect(ronin.loss == Money(usd: 624e6))
        #expect(ronin.returned == nil)
        #expect(ronin.chains == ["Ethereum"])
        #expect(ronin.bridge == true)
        #expect(ronin.target == "DeFi Protocol")
        #expect(ronin.classification == "Infrastructure")
        #expect(ronin.technique == "Private Key Compromised (Social Engineering)")
        #expect(ronin.title == "Ronin Bridge hacked: $624M lost (Infrastructure)")
        #expect(ronin.url == nil)
        #expect(ronin.attribution == nil)
        #expect(ronin.summary?.contains("Private Key Compromised") == true)

        let portal = result.incidents[1]
        #expect(portal.returned == Money(usd: 326e6))
        #expect(portal.netLoss == Money(usd: 0))
        #expect(portal.tags == ["Rust"])

        let peapods = result.incidents[2]
        #expect(peapods.name == "Peapods Finance")
        #expect(peapods.loss == nil && peapods.chains.isEmpty && peapods.classification == nil)
        #expect(peapods.title == "Peapods Finance hacked")
        #expect(peapods.url == "https://example.org/peapods")

        let bybit = result.incidents[3]
        #expect(bybit.target == "CEX" && bybit.bridge == false && bybit.chains.isEmpty)
    }

    @Test(arguments: [
        (#"{"date":"2022-01-01","name":"A","amount":1}"#, "'A': 'date' should be a number, found string"),
        (#"{"date":1,"name":"B","amount":"1M"}"#, "'B': 'amount' should be a number, found string"),
        (#"{"date":1,"name":"C","chain":"Ethereum","bridgeHack":"yes"}"#, "'C': 'bridgeHack' should be a boolean, found string"),
        (#"{"date":1,"name":"D","chain":[1]}"#, "'D': 'chain' should be a list of strings, found number"),
        (#"{"date":1,"name":42}"#, "'name' should be a string, found number"),
        (#"{"date":1,"name":"  "}"#, "missing or empty 'name'"),
        (#"{"name":"E"}"#, "'E': missing 'date'"),
        (#"[1]"#, "expected an object, found array"),
    ])
    func skipsBadRecordWithReason(record: String, reason: String) throws {
        let text = "[\(record), {\"date\":1647993600,\"name\":\"Good\",\"amount\":5}]"
        let result = try FeedFixtures.parse(text, .defillama, name: "llama")
        #expect(result.incidents.map(\.name) == ["Good"])
        #expect(result.warnings == ["llama: record 0 skipped: \(reason)"])
    }

    @Test func singleStringChainIsAccepted() throws {
        let result = try FeedFixtures.parse(#"[{"date":1,"name":"C","chain":"Ethereum"}]"#, .defillama)
        #expect(result.incidents.first?.chains == ["Ethereum"])
    }

    @Test(arguments: ["{}", "\"x\"", "[1,", ""])
    func rejectsWholeDocument(text: String) {
        #expect(throws: FeedError.self) { try FeedFixtures.parse(text, .defillama) }
    }

    @Test func depthBombIsRefused() {
        let bomb = String(repeating: "[", count: 100_000)
        #expect(throws: FeedError.tooDeep(limit: 256)) { try FeedFixtures.parse(bomb, .defillama) }
    }

    @Test func autoSniffsDefiLlama() throws {
        #expect(try FeedParser.sniff(Array(Self.sample.utf8)) == .defillama)
        let result = try FeedFixtures.parse(Self.sample, .auto)
        #expect(result.incidents.count == 4)
    }
}
