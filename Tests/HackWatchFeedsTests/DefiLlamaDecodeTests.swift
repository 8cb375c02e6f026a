import Foundation
import Testing
@testable import HackWatchFeeds
@testable import HackWatchModel

/// Pins what the DefiLlama decoder makes of the real snapshot, field by field, against an
/// independent reading of the same bytes by Foundation's `JSONSerialization`, and the whole
/// result (ids, titles, summaries included) against a digest taken before the decoder was
/// rewritten for speed: a faster parse must give exactly the same incidents.
@Suite(.enabled(if: FeedFixtures.defiLlamaSnapshot != nil,
                "shared/feeds/defillama snapshot not found (set HACKWATCH_SHARED or place shared/ beside the repo)"))
struct DefiLlamaSnapshotDecodeTests {
    let bytes = FeedFixtures.defiLlamaSnapshot ?? []

    /// The fields DefiLlama gives, read by `JSONSerialization`, as the format documents them.
    struct Expected: Equatable, CustomStringConvertible {
        var name: String
        var date: Double?
        var loss: Double?
        var returned: Double?
        var chains: [String]
        var classification: String?
        var technique: String?
        var target: String?
        var bridge: Bool?
        var url: String?
        var tags: [String]
        var defillamaId: String?
        var parentProtocolId: String?
        var title: String
        var summary: String?

        var description: String { "\(name) \(date ?? -1) \(loss ?? -1)" }

        init(_ record: [String: Any]) {
            func text(_ key: String) -> String? {
                guard let value = record[key] as? String else { return nil }
                let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
                return trimmed.isEmpty ? nil : trimmed
            }
            func number(_ key: String) -> Double? { (record[key] as? NSNumber)?.doubleValue }
            func identifier(_ key: String) -> String? {
                if let number = record[key] as? NSNumber { return String(number.int64Value) }
                return text(key)
            }
            name = text("name") ?? ""
            date = number("date")
            loss = number("amount")
            returned = number("returnedFunds")
            chains = ((record["chain"] as? [Any]) ?? []).compactMap { ($0 as? String)?.trimmingCharacters(in: .whitespacesAndNewlines) }
                .filter { !$0.isEmpty }
            classification = text("classification")
            technique = text("technique")
            target = text("targetType")
            bridge = (record["bridgeHack"] as? NSNumber)?.boolValue
            url = text("source")
            tags = text("language").map { [$0] } ?? []
            defillamaId = identifier("defillamaId")
            parentProtocolId = identifier("parentProtocolId")
            var title = name + " hacked"
            if let loss { title += ": \(Money(usd: loss).human) lost" }
            if let classification { title += " (\(classification))" }
            self.title = title
            var parts: [String] = []
            if let technique { parts.append("Technique: \(technique).") }
            if !chains.isEmpty { parts.append("Chains: \(chains.joined(separator: ", ")).") }
            if let target { parts.append("Target: \(target).") }
            if let returned { parts.append("Returned: \(Money(usd: returned).human).") }
            summary = parts.isEmpty ? nil : parts.joined(separator: " ")
        }

        init(_ incident: Incident) {
            name = incident.name
            date = incident.date?.timeIntervalSince1970
            loss = incident.loss?.usd
            returned = incident.returned?.usd
            chains = incident.chains
            classification = incident.classification
            technique = incident.technique
            target = incident.target
            bridge = incident.bridge
            url = incident.url
            tags = incident.tags
            defillamaId = incident.defillamaId
            parentProtocolId = incident.parentProtocolId
            title = incident.title ?? ""
            summary = incident.summary
        }
    }

    @Test func everyRecordMatchesJSONSerialization() throws {
        let records = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [[String: Any]])
        let result = try FeedParser.parse(bytes, config: FeedFixtures.config(.defillama, name: "defillama"))
        #expect(result.warnings.isEmpty)
        try #require(result.incidents.count == records.count)
        for (incident, record) in zip(result.incidents, records) {
            #expect(Expected(incident) == Expected(record))
            #expect(incident.source == "defillama" && incident.sources == ["defillama"] && incident.attribution == nil)
            #expect(incident.addresses.isEmpty && incident.transactions.isEmpty && incident.id.utf8.count == 16)
        }
    }

    /// Every stored field of all 538 incidents, in order, folded into one value (taken with the
    /// decoder as it was before the speed work).
    @Test func wholeResultDigestIsUnchanged() throws {
        let result = try FeedParser.parse(bytes, config: FeedFixtures.config(.defillama, name: "defillama"))
        var digest = StableHash()
        for incident in result.incidents { digest.combine(String(incident.contentHash)) }
        #expect(result.incidents.count == 538)
        #expect(String(digest.value, radix: 16) == DefiLlamaSnapshotDecodeTests.pinnedDigest)
    }

    /// Taken when the decoder was rewritten to read members straight from the bytes; that
    /// build's `hackwatch test --json` output on the snapshot was byte-identical to the previous
    /// decoder's (ids, titles, summaries and every other field of all 538 incidents).
    static let pinnedDigest = "a232492cc2be965b"
}

/// Records written to reach every path of the decoder: escapes, surrogates, invalid UTF-8,
/// numbers of every form, nesting, member order, duplicates and wrong types. Each record is
/// followed by a good one, which must always survive.
@Suite struct DefiLlamaDecodeEdgeTests {
    /// What one record becomes: its fields as `Expected` prints them, or the warning.
    static func decode(_ record: String) throws -> [String] {
        let text = "[ " + record + " ,\n {\"name\":\"Good\",\"date\":1700000000}]"
        let result = try FeedParser.parse(Array(text.utf8), config: FeedFixtures.config(.defillama, name: "llama"))
        #expect(result.incidents.last?.name == "Good")
        let shown = result.incidents.dropLast().map { incident in
            var parts = ["name=\(incident.name)"]
            if let date = incident.date { parts.append("date=\(date.timeIntervalSince1970)") }
            if let loss = incident.loss { parts.append("loss=\(loss.usd)") }
            if let returned = incident.returned { parts.append("returned=\(returned.usd)") }
            if !incident.chains.isEmpty { parts.append("chains=\(incident.chains)") }
            if let value = incident.classification { parts.append("classification=\(value)") }
            if let value = incident.technique { parts.append("technique=\(value)") }
            if let value = incident.target { parts.append("target=\(value)") }
            if let value = incident.bridge { parts.append("bridge=\(value)") }
            if let value = incident.url { parts.append("url=\(value)") }
            if !incident.tags.isEmpty { parts.append("tags=\(incident.tags)") }
            if let value = incident.defillamaId { parts.append("id=\(value)") }
            if let value = incident.parentProtocolId { parts.append("parent=\(value)") }
            parts.append("title=\(incident.title ?? "-")")
            if let summary = incident.summary { parts.append("summary=\(summary)") }
            return parts.joined(separator: " ")
        }
        return shown + result.warnings
    }

    @Test(arguments: [
        // Strings: every escape, surrogate pairs, lone surrogates, raw UTF-8, invalid UTF-8.
        (#"{"name":" Na\u00efve \"Q\" \\ \/ \tX\n","date":1}"#, #"name=Naïve "Q" \ / \#tX date=1.0 title=Naïve "Q" \ / \#tX hacked"#),
        (#"{"name":"Smile \ud83d\ude00","date":1,"technique":"a\u0041\u00e9\u4e2d"}"#,
         "name=Smile 😀 date=1.0 technique=aAé中 title=Smile 😀 hacked summary=Technique: aAé中."),
        (#"{"name":"Lone \ud800 high, \udc00 low, \ud800\u0041","date":1}"#,
         "name=Lone \u{FFFD} high, \u{FFFD} low, \u{FFFD}A date=1.0 title=Lone \u{FFFD} high, \u{FFFD} low, \u{FFFD}A hacked"),
        ("{\"name\":\"Caf\u{E9} \u{1F600} raw\",\"date\":1}", "name=Café 😀 raw date=1.0 title=Café 😀 raw hacked"),
        ("{\"name\":\"\u{A0}\u{2003}Spaced\u{3000}\",\"date\":1}", "name=Spaced date=1.0 title=Spaced hacked"),
        // Numbers: fractions, exponents, negative zero, integers past 2^53 and past Int64.
        (#"{"name":"N","date":1.5e9,"amount":1.5e3,"returnedFunds":-0}"#,
         "name=N date=1500000000.0 loss=1500.0 returned=-0.0 title=N hacked: $1.5k lost summary=Returned: $0."),
        (#"{"name":"N","date":1659312000.25,"amount":9007199254740993,"returnedFunds":0.1}"#,
         "name=N date=1659312000.25 returned=0.1 title=N hacked summary=Returned: $0. | "
            + "llama: record 0: loss 9007199254740992.0 is not a plausible USD amount; kept as unknown"),
        (#"{"name":"N","date":1,"amount":123456789012345678901234567890}"#,
         "name=N date=1.0 title=N hacked | llama: record 0: loss 1.2345678901234568e+29 is not a plausible USD amount; kept as unknown"),
        (#"{"name":"N","date":1,"amount":12345678901234.5678,"returnedFunds":1E2}"#,
         "name=N date=1.0 loss=12345678901234.568 returned=100.0 title=N hacked: $12345.7B lost summary=Returned: $100."),
        (#"{"name":"N","date":1,"amount":1e400}"#, "llama: record 0 skipped: number out of range at byte 32"),
        (#"{"name":"N","date":1,"amount":-1e400}"#, "llama: record 0 skipped: number out of range at byte 32"),
        // Members: escaped keys, duplicates (last wins), unknown members of every shape, order.
        (#"{"n\u0061me":"Escaped key","date":1,"bridge\u0048ack":true}"#, "name=Escaped key date=1.0 bridge=true title=Escaped key hacked"),
        (#"{"name":"First","date":1,"name":"Second","amount":5,"amount":null}"#, "name=Second date=1.0 title=Second hacked"),
        (#"{"x":{"a":[1,{"b":"}]\"\\"}],"c":null},"name":"Unknown members","y":[[],{}],"date":2,"z":"\u0000"}"#,
         "name=Unknown members date=2.0 title=Unknown members hacked"),
        (#"{"language":"Rust","source":" https://x.example/a ","targetType":"CEX","bridgeHack":false,"chain":[" Ethereum ",""," BSC"],"technique":"T","classification":"C","returnedFunds":5,"amount":2500000,"date":3,"name":"Reversed","defillamaId":" 77 ","parentProtocolId":"parent#r"}"#,
         "name=Reversed date=3.0 loss=2500000.0 returned=5.0 chains=[\"Ethereum\", \"BSC\"] classification=C technique=T target=CEX bridge=false url=https://x.example/a tags=[\"Rust\"] id=77 parent=parent#r title=Reversed hacked: $2.5M lost (C) summary=Technique: T. Chains: Ethereum, BSC. Target: CEX. Returned: $5."),
        (#"{"name":"Ids","date":1,"defillamaId":1541,"parentProtocolId":1.5,"chain":"Solana"}"#,
         "name=Ids date=1.0 chains=[\"Solana\"] id=1541 title=Ids hacked summary=Chains: Solana."),
        (#"{"name":"Ids","date":1,"defillamaId":true,"parentProtocolId":[1],"chain":"","classification":"","technique":"  "}"#,
         "name=Ids date=1.0 title=Ids hacked"),
        (#"{"name":"Deep","date":1,"x":"# + String(repeating: "[", count: 300) + String(repeating: "]", count: 300) + "}",
         "llama: record 0 skipped: nesting deeper than 256 at byte 284"),
        (#"{"name":"Deep ok","date":1,"x":"# + String(repeating: "[", count: 250) + String(repeating: "]", count: 250) + "}",
         "name=Deep ok date=1.0 title=Deep ok hacked"),
        // Wrong types skip the record with the member's name.
        (#"{"name":"W","date":"2022-01-01"}"#, "llama: record 0 skipped: 'W': 'date' should be a number, found string"),
        (#"{"name":"W","date":1,"chain":["a",{"b":1}]}"#, "llama: record 0 skipped: 'W': 'chain' should be a list of strings, found object"),
        (#"{"name":"W","date":1,"bridgeHack":0}"#, "llama: record 0 skipped: 'W': 'bridgeHack' should be a boolean, found number"),
        (#"{"name":"W","date":1,"source":[]}"#, "llama: record 0 skipped: 'W': 'source' should be a string, found array"),
        (#"{"name":{"x":1},"date":1}"#, "llama: record 0 skipped: 'name' should be a string, found object"),
        (#"{"date":1}"#, "llama: record 0 skipped: missing or empty 'name'"),
        (#"{"name":" W ","amount":1}"#, "llama: record 0 skipped: 'W': missing 'date'"),
        (#"{}"#, "llama: record 0 skipped: missing or empty 'name'"),
        (#""a string""#, "llama: record 0 skipped: expected an object, found string"),
        (#"null"#, "llama: record 0 skipped: expected an object, found null"),
        (#"[{"name":"in an array","date":1}]"#, "llama: record 0 skipped: expected an object, found array"),
        // Out-of-range values kept as unknown by the assembly's checks.
        (#"{"name":"Far","date":1e308,"amount":1e300}"#,
         "name=Far title=Far hacked | llama: record 0: date 1e+308 (unix seconds) is outside 1970–9999; kept as unknown | "
            + "llama: record 0: loss 1e+300 is not a plausible USD amount; kept as unknown"),
    ] as [(String, String)])
    func recordDecodesAsPinned(record: String, expected: String) throws {
        let decoded = try Self.decode(record).joined(separator: " | ")
        #expect(decoded == expected)
    }

    /// Bytes that are not UTF-8 inside a string become U+FFFD (feeds are read leniently).
    @Test func invalidUTF8BecomesReplacementCharacters() throws {
        var bytes = Array(#"[{"name":"Bad "#.utf8) + [0xFF, 0xC3, 0x28, 0xE2, 0x82] + Array(#" bytes","date":1},"#.utf8)
        bytes += Array(#"{"name":"Good","date":1700000000,"technique":"x\u00e9"#.utf8) + [0xF0, 0x9F] + Array(#""}]"#.utf8)
        let result = try FeedParser.parse(bytes, config: FeedFixtures.config(.defillama, name: "llama"))
        #expect(result.warnings.isEmpty)
        #expect(result.incidents.map(\.name) == ["Bad \u{FFFD}\u{FFFD}(\u{FFFD} bytes", "Good"])
        #expect(result.incidents.last?.technique == "xé\u{FFFD}")
    }

    /// Grammar errors refuse the whole document, at the same byte as before.
    @Test(arguments: [
        (#"[{"name":"A","date":1,}]"#, "invalid JSON at byte 22: unexpected character '}'"),
        (#"[{"name":"A" "date":1}]"#, "invalid JSON at byte 13: unexpected character '\"'"),
        (#"[{"name":"A","date":01}]"#, "invalid JSON at byte 20: invalid number"),
        (#"[{"name":"A","date":1.}]"#, "invalid JSON at byte 20: invalid number"),
        (#"[{"name":"A","date":-}]"#, "invalid JSON at byte 20: invalid number"),
        (#"[{"name":"A\x","date":1}]"#, "invalid JSON at byte 12: invalid string"),
        (#"[{"name":"A\u12G4","date":1}]"#, "invalid JSON at byte 15: invalid string"),
        ("[{\"name\":\"A\u{01}\",\"date\":1}]", "invalid JSON at byte 11: invalid string"),
        (#"[{"name":"A","date":tru}]"#, "invalid JSON at byte 23: unexpected character '}'"),
        (#"[{"name":"A","date":1}"#, "invalid JSON at byte 22: unexpected end of input"),
        (#"[{"name":"A","date":1}] ,"#, "invalid JSON at byte 24: unexpected data after the document"),
        (#"[{name:"A"}]"#, "invalid JSON at byte 2: unexpected character 'n'"),
    ] as [(String, String)])
    func grammarErrorsRefuseTheDocument(text: String, message: String) {
        do {
            _ = try FeedParser.parse(Array(text.utf8), config: FeedFixtures.config(.defillama, name: "llama"))
            Issue.record("parsed: \(text)")
        } catch {
            #expect("\(error)" == message)
        }
    }
}
