import Foundation
import Testing
@testable import HackWatchFeeds
@testable import HackWatchModel

/// Values repeated across DefiLlama records are decoded once and shared (`RecordStrings`): the
/// incidents must be exactly those decoded one record at a time, whatever repeats, is trimmed,
/// escaped, invalid or too many to keep.
@Suite struct RecordStringsTests {
    static func parse(_ records: [String]) throws -> FeedParseResult {
        let text = "[" + records.joined(separator: ",") + "]"
        return try FeedParser.parse(Array(text.utf8), config: FeedFixtures.config(.defillama, name: "llama"))
    }

    /// The same records parsed together (sharing the table) and each in a feed of its own.
    static func expectSameAsAlone(_ records: [String]) throws {
        let together = try parse(records).incidents
        let alone = try records.map { try parse([$0]).incidents }
        #expect(together.count == records.count)
        for (incident, single) in zip(together, alone) {
            var incident = incident, expected = try #require(single.first)
            (incident.id, expected.id) = ("", "")  // ids of records sharing a name and day differ
            #expect(incident == expected)
        }
    }

    @Test func repeatedTrimmedEscapedAndShortValuesDecodeAsAlone() throws {
        let techniques = [#""Private Key Compromised""#, #"" Private Key Compromised ""#, #""Private Key Compromise\u0064""#,
                          #""Private Key Compromised\t""#, #""Short""#, #""""#, #"" ""#, #"null"#]
        let chains = [#"["Ethereum Mainnet Chain"]"#, #"[" Ethereum Mainnet Chain","BNB Smart Chain Network"]"#,
                      #"["","Ethereum Mainnet Chain"]"#, #"["Ethereum Mainnet Chai\u006e",""]"#, #"["BSC","BSC"]"#,
                      #"[]"#, #"[""]"#, #""Ethereum Mainnet Chain""#, #"" padded string chain ""#]
        var records: [String] = []
        for (offset, technique) in techniques.enumerated() {
            for (index, chain) in chains.enumerated() {
                let language = [#""Solidity""#, #"" Solidity ""#, #""Rust""#, #""""#, #"null"#][(offset + index) % 5]
                records.append(#"{"name":"P\#(offset)-\#(index)","date":\#(1_600_000_000 + index),"technique":\#(technique),"# +
                               #""chain":\#(chain),"language":\#(language),"classification":"Protocol Logic Flaw Classified","# +
                               #""targetType":"DeFi Protocol Target Type","amount":\#(index * 1000)}"#)
            }
        }
        // Each value again, in the other order (renamed: identical records would be dropped).
        let again = records.reversed().map { $0.replacingOccurrences(of: #""name":"P"#, with: #""name":"R"#) }
        try Self.expectSameAsAlone(records + again)
    }

    @Test func invalidUTF8InASharedValueIsRepairedEachTime() throws {
        var text = Array("[".utf8)
        for index in 0..<3 {
            if index > 0 { text += Array(",".utf8) }
            text += Array(#"{"name":"N\#(index)","date":1,"technique":"Broken bytes "#.utf8) + [0xFF, 0xC3] + Array(#" in a long value"}"#.utf8)
        }
        text += Array("]".utf8)
        let result = try FeedParser.parse(text, config: FeedFixtures.config(.defillama, name: "llama"))
        #expect(result.incidents.map(\.technique) == Array(repeating: "Broken bytes \u{FFFD}\u{FFFD} in a long value", count: 3))
    }

    /// Past the table's capacity values are decoded one by one, with the same results.
    @Test func moreDistinctValuesThanTheTableKeeps() throws {
        let count = RecordStrings.capacity + 50
        let records = (0..<count).map { #"{"name":"N\#($0)","date":\#($0),"technique":"Distinct technique number \#($0)","chain":["Chain number \#($0 % 7) of seven"]}"# }
        let incidents = try Self.parse(records).incidents
        #expect(incidents.count == count)
        #expect(incidents.map(\.technique) == (0..<count).map { "Distinct technique number \($0)" })
        #expect(incidents.map(\.chains) == (0..<count).map { ["Chain number \($0 % 7) of seven"] })
    }

    @Test func repeatedValuesShareOneStorage() {
        var strings = RecordStrings()
        let bytes = Array("Private Key Compromised".utf8)
        let (first, second, list, again) = bytes.withUnsafeBufferPointer { bytes in
            (strings.string(bytes), strings.string(bytes), strings.list(bytes), strings.list(bytes))
        }
        #expect(first == "Private Key Compromised" && second == first && list == [first])
        var a = first, b = second
        #expect(a.withUTF8 { $0.baseAddress } == b.withUTF8 { $0.baseAddress })
        #expect(list.withUnsafeBufferPointer { $0.baseAddress } == again.withUnsafeBufferPointer { $0.baseAddress })
    }
}
