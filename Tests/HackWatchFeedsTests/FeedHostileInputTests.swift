import Foundation
import Testing
import TestSupport
@testable import HackWatchConfiguration
@testable import HackWatchFeeds
@testable import HackWatchModel

/// Feeds are written by strangers: nothing in them may expand, fetch, recurse without bound,
/// crash, or take more memory than the size limit allows.
@Suite struct FeedHostileInputTests {
    /// Billion laughs in an Atom feed: 10^9 "lol"s if expanded; here the reference stays literal.
    @Test func billionLaughsInAtomIsNotExpanded() throws {
        var doctype = "<!DOCTYPE feed [<!ENTITY lol \"lol\">"
        for level in 1...9 {
            let previous = level == 1 ? "lol" : "lol\(level - 1)"
            doctype += "<!ENTITY lol\(level) \"" + String(repeating: "&\(previous);", count: 10) + "\">"
        }
        doctype += "]>"
        let xml = "<?xml version=\"1.0\"?>\(doctype)<feed xmlns=\"http://www.w3.org/2005/Atom\"><entry><title>Laughs &lol9; hacked</title><id>e1</id><summary>&lol9;&lol9;</summary></entry></feed>"
        let result = try FeedFixtures.parse(xml, .auto, name: "atom")
        let entry = try #require(result.incidents.first)
        #expect(entry.title == "Laughs &lol9; hacked")
        #expect(entry.summary == "&lol9;&lol9;")
        #expect(result.warnings == ["atom: <!DOCTYPE> ignored; entities it declares are not expanded"])
    }

    /// A 300-byte guid becomes a 16-hex-digit hash (the same for the same guid); a 200-byte one is kept.
    @Test func overLongSourceIDsAreHashed() throws {
        let long = String(repeating: "g", count: 300), kept = String(repeating: "k", count: 200)
        let xml = "<rss><channel><item><title>A hacked</title><guid>\(long)</guid></item>"
            + "<item><title>B hacked</title><guid>\(kept)</guid></item></channel></rss>"
        let ids = try FeedFixtures.parse(xml, .rss).incidents.map(\.id)
        #expect(ids == [IncidentIdentity.hash(long), kept])
        #expect(ids[0].utf8.count == 16)
    }

    /// External DTDs, external entities and parameter entities pointing at a live server are
    /// never fetched: the server sees no request at all.
    @Test func externalEntitiesAreNeverFetched() throws {
        let server = try LoopbackHTTPServer { _ in .text("<!ENTITY leak \"LEAKED\">") }
        let base = server.baseURL
        let xml = """
        <?xml version="1.0"?>
        <!DOCTYPE rss SYSTEM "\(base)/evil.dtd" [
          <!ENTITY % remote SYSTEM "\(base)/param.dtd"> %remote;
          <!ENTITY xxe SYSTEM "\(base)/secret">
          <!ENTITY local SYSTEM "file:///etc/hostname">
        ]>
        <rss version="2.0"><channel><item><title>&xxe; &leak; &local;</title><guid>1</guid></item></channel></rss>
        """
        let result = try FeedFixtures.parse(xml, .rss)
        #expect(result.incidents.first?.title == "&xxe; &leak; &local;")
        Thread.sleep(forTimeInterval: 0.1)
        #expect(server.requests.isEmpty)
    }

    @Test(arguments: [FeedFormat.rss, .atom, .auto])
    func deepXMLIsRefused(format: FeedFormat) {
        let root = format == .atom ? "<feed><entry>" : "<rss><channel><item>"
        let deep = root + String(repeating: "<div>", count: 50_000)
        #expect(throws: FeedError.tooDeep(limit: 256)) { try FeedFixtures.parse(deep, format) }
    }

    @Test func deepJSONIsRefusedByMappedFormat() throws {
        let deep = String(repeating: "{\"a\":", count: 50_000)
        let config = FeedFixtures.config(.json, mapping: ["name": "/name"])
        #expect(throws: FeedError.tooDeep(limit: 256)) { try FeedParser.parse(Array(deep.utf8), config: config) }
    }

    /// Invalid UTF-8 becomes U+FFFD in the fields; the record is kept, nothing crashes.
    @Test func invalidUTF8InDefiLlamaName() throws {
        let bytes = Array(#"[{"date":1647993600,"name":"Bad"#.utf8) + [0xC0, 0x80, 0xED, 0xA0, 0x80, 0xFF]
            + Array(#"","amount":5}]"#.utf8)
        let result = try FeedParser.parse(bytes, config: FeedFixtures.config(.defillama))
        let incident = try #require(result.incidents.first)
        #expect(incident.name.hasPrefix("Bad") && incident.name.contains("\u{FFFD}"))
        #expect(incident.loss == Money(usd: 5))
    }

    @Test func invalidUTF8InAtomAndTruncatedSequences() throws {
        let bytes = Array("<feed><entry><id>".utf8) + [0xF0, 0x9F, 0x98] + Array("</id><title>T".utf8) + [0xE2, 0x82]
        let tail = Array("</title></entry></feed>".utf8)
        let result = try FeedParser.parse(bytes + tail, config: FeedFixtures.config(.atom))
        #expect(result.incidents.first?.id == "\u{FFFD}")
        #expect(result.incidents.first?.title == "T\u{FFFD}")
    }

    /// A 50 MB feed from a server is refused by the default `max_bytes` (10 MiB) while it
    /// streams: the transfer is aborted, not buffered.
    @Test func fiftyMegabyteFeedIsRefusedBySizeLimit() throws {
        let server = try LoopbackHTTPServer { _ in .huge(bytes: 50 << 20, framing: .untilClose) }
        let config = FeedConfig(name: "big", url: server.url("/feed.xml"), format: .rss)
        #expect(config.maxBytes == 10 << 20)
        #expect(throws: FeedFetchError.http(.tooLarge(url: "http://127.0.0.1:\(server.port)/…", limit: 10 << 20))) {
            try FeedFetcher().fetch(config, validators: nil)
        }
    }

    /// A gzip bomb: 50 KB on the wire, 50 MB decoded. The limit applies to the decoded body.
    @Test func gzipBombIsRefusedBySizeLimit() throws {
        let gzip = Process()
        gzip.executableURL = URL(fileURLWithPath: "/bin/sh")
        gzip.arguments = ["-c", "head -c 52428800 /dev/zero | gzip -9 -c"]
        let pipe = Pipe()
        gzip.standardOutput = pipe
        try spawn(gzip)
        let compressed = [UInt8](pipe.fileHandleForReading.readDataToEndOfFile())
        gzip.waitUntilExit()
        try #require(gzip.terminationStatus == 0 && compressed.count < 200_000)
        let server = try LoopbackHTTPServer { _ in
            .response(status: 200, headers: [("Content-Encoding", "gzip"), ("Content-Type", "application/json")], body: compressed)
        }
        let config = FeedConfig(name: "bomb", url: server.url("/hacks"), format: .defillama)
        #expect(throws: FeedFetchError.http(.tooLarge(url: "http://127.0.0.1:\(server.port)/…", limit: 10 << 20))) {
            try FeedFetcher().fetch(config, validators: nil)
        }
    }

    /// One name and day repeated 20,000 times (distinct amounts, plus exact copies): every
    /// distinct record kept with its own id, every copy dropped — in linear time (pairwise
    /// comparison within the group once made this take minutes).
    @Test func oneNameAndDayRepeatedMassively() throws {
        var records: [String] = []
        for amount in 0..<20_000 {
            records.append(#"{"date":1647993600,"name":"Same","amount":\#(amount)}"#)
            if amount % 1000 == 0 { records.append(#"{"date":1647993600,"name":"Same","amount":\#(amount)}"#) }
        }
        let result = try FeedFixtures.parse("[" + records.joined(separator: ",") + "]", .defillama, name: "f")
        #expect(result.incidents.count == 20_000)
        #expect(Set(result.incidents.map(\.id)).count == 20_000)
        #expect(result.warnings.count == 20)
        #expect(result.warnings.first == "f: record 1 skipped: identical to record 0")
    }

    /// Random bytes and random mutations of valid feeds never crash any parser: they give
    /// incidents or a `FeedError`, and every incident has a non-empty id.
    @Test(arguments: [FeedFormat.defillama, .rss, .atom, .json, .auto])
    func mutatedFeedsNeverCrash(format: FeedFormat) {
        let seeds = [DefiLlamaTests.sample, SyndicationTests.rss, SyndicationTests.atom].map { Array($0.utf8) }
        var random = SplitMix64(seed: 0x4841_434B + UInt64(FeedFormat.allCases.firstIndex(of: format) ?? 0))
        let config = FeedFixtures.config(format, mapping: ["name": "/name", "date": "/date", "loss": "/amount"])
        let alphabet = Array("<>/&;\"'[]{}:,\\ !-?=#0123456789abcxyz".utf8) + [0x00, 0xFF, 0xC3, 0xE2]
        for round in 0..<400 {
            var bytes = seeds[round % seeds.count]
            switch round % 4 {
            case 0:
                bytes = (0..<Int(random.next() % 512)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            case 1:
                bytes = Array(bytes.prefix(Int(random.next() % UInt64(bytes.count))))
            default:
                for _ in 0..<(1 + Int(random.next() % 8)) where !bytes.isEmpty {
                    let at = Int(random.next() % UInt64(bytes.count))
                    let byte = alphabet[Int(random.next() % UInt64(alphabet.count))]
                    if random.next() % 2 == 0 { bytes[at] = byte } else { bytes.insert(byte, at: at) }
                }
            }
            if let result = try? FeedParser.parse(bytes, config: config) {
                #expect(result.incidents.allSatisfy { !$0.id.isEmpty && !$0.source.isEmpty })
            }
        }
    }
}
