import Foundation
import Testing
import TestSupport
@testable import HackWatchConfiguration
@testable import HackWatchFeeds
@testable import HackWatchModel

/// `html`/`xml` feeds with `items_xpath` and XPath mappings, and `extract: "next_data"`, on
/// small pages written after the real ones (hacked.slowmist.io's list, rekt.news' leaderboard).
@Suite struct XPathFormatTests {
    /// Shaped like hacked.slowmist.io: one `<li>` per event in `div.case-content`, labels in
    /// `<em>`, the amount on its own line, a navigation list that must not be read.
    static let slowmistPage = """
    <!DOCTYPE html>
    <html lang="en"><head><meta charset="utf-8"><title>SlowMist Hacked</title>
    <script>window.dataLayer = [];</script><style>.time { color: red }</style></head>
    <body><div class="nav"><ul><li><a href="/?c=ETH">ETH Ecosystem</a></li></ul></div>
    <div class="case-content"><ul>
      <li>
        <span class="time">2022-03-29</span>
        <h3><em>Hacked target: </em>Ronin Network</h3>
        <p><em>Description of the event: </em>Validator keys were compromised&nbsp;&mdash; the attacker&#39;s address drained the bridge.</p>
        <p><span><em>Amount of loss: </em>
              $ 624,000,000
        </span><span><em>Attack method: </em>Private Key Leak</span></p>
        <p class="link-reference"><a href="https://x.example/ronin" rel="nofollow">View Reference Sources</a></p>
      </li>
      <li>
        <span class="time">2022-02-17</span>
        <h3><em>Hacked target: </em>Caf&eacute; Protocol</h3>
        <p><em>Description of the event: </em>Hot wallet compromised.<!-- internal note > hidden --></p>
        <p><span><em>Amount of loss: </em> 4,809,984 TMT </span><span><em>Attack method: </em>Wallet Stolen</span></p>
        <p class="link-reference"><a href="https://x.example/topgoal">View Reference Sources</a></p>
      </li>
      <li><span class="time">2022-02-15</span><h3><em>Hacked target: </em></h3></li>
    </ul></div></body></html>
    """

    static let slowmist: FeedConfig = {
        var config = FeedFixtures.config(.html, name: "slowmist", mapping: [
            "name": "normalize-space(substring-after(h3, 'Hacked target:'))",
            "date": "span[@class='time']",
            "summary": "substring-after(p[1], 'Description of the event:')",
            "loss": "substring-after(p[2]/span[1], 'Amount of loss:')",
            "technique": "substring-after(p[2]/span[2], 'Attack method:')",
            "url": "p[@class='link-reference']/a/@href",
            "tags": "p[2]/span/em",
        ])
        config.itemsXPath = "//div[@class='case-content']/ul/li"
        return config
    }()

    @Test func slowmistShapedListPage() throws {
        let result = try FeedParser.parse(Array(Self.slowmistPage.utf8), config: Self.slowmist)
        #expect(result.incidents.map(\.name) == ["Ronin Network", "Café Protocol"])
        let ronin = result.incidents[0]
        #expect(ronin.date == FeedFixtures.date("2022-03-29"))
        #expect(ronin.loss == Money(usd: 624e6))
        #expect(ronin.technique == "Private Key Leak")
        #expect(ronin.url == "https://x.example/ronin")
        #expect(ronin.summary == "Validator keys were compromised — the attacker's address drained the bridge.")
        #expect(ronin.bridge == true)
        #expect(ronin.tags == ["Amount of loss:", "Attack method:"])
        let cafe = result.incidents[1]
        #expect(cafe.loss == nil)  // token units are not USD
        #expect(cafe.summary == "Hot wallet compromised.")
        #expect(cafe.date == FeedFixtures.date("2022-02-17"))
        #expect(result.warnings == [
            #"slowmist: item 1: 'loss' "4,809,984 TMT" is not a USD amount; kept as unknown"#,
            "slowmist: item 2 skipped: missing or empty 'name'",
        ])
    }

    @Test func itemsXPathSelectingNothingIsAnError() {
        var config = Self.slowmist
        config.itemsXPath = "//table/tr"
        #expect(throws: FeedError.unexpectedShape("html: items_xpath '//table/tr' selects nothing")) {
            try FeedParser.parse(Array(Self.slowmistPage.utf8), config: config)
        }
    }

    /// Generic XML with namespaces (prefixes from the root; its default namespace as `default:`),
    /// a list field taking every selected node, and recovery from a raw `<br>`.
    @Test func genericXMLWithNamespaces() throws {
        let xml = """
        <?xml version="1.0" encoding="ISO-8859-1"?>
        <incidents xmlns="urn:hacks" xmlns:c="urn:chains">
          <incident id="a1"><project>Nomad</project><when>2022-08-01T21:00:00Z</when><usd>190000000</usd>
            <c:chain>Ethereum</c:chain><c:chain>Moonbeam</c:chain><note>Bridge drained<br>again</note></incident>
          <incident id="a2"><project>Wintermute</project><when>2022-09-20</when><usd>160000000</usd></incident>
        </incidents>
        """
        var config = FeedFixtures.config(.xml, name: "x", mapping: [
            "id": "@id", "name": "default:project", "date": "default:when", "loss": "number(default:usd)",
            "chains": "c:chain", "summary": "default:note",
        ])
        config.itemsXPath = "/default:incidents/default:incident"
        let result = try FeedParser.parse(Array(xml.utf8), config: config)
        #expect(result.incidents.map(\.name) == ["Nomad", "Wintermute"])
        #expect(result.incidents.map(\.id) == ["a1", "a2"])
        #expect(result.incidents[0].chains == ["Ethereum", "Moonbeam"])
        #expect(result.incidents[0].loss == Money(usd: 190e6))
        #expect(result.incidents[0].summary == "Bridge drained again")
        #expect(result.incidents[1].date == FeedFixtures.date("2022-09-20"))
        #expect(result.warnings.count == 1 && result.warnings[0].hasPrefix("x: not well-formed XML, recovered (1 fault)"))
    }

    /// Shaped like rekt.news' leaderboard: a Next.js page whose data is the JSON in
    /// `<script id="__NEXT_DATA__">`; the hack's date is `rekt.date` (MM/DD/YY or M/D/YYYY),
    /// `rekt.amount` is USD.
    static let rektPage = """
    <!DOCTYPE html><html><head><script src="/_next/static/chunks/main.js"></script>
    <script type="application/ld+json">{"not": "this one"}</script></head>
    <body><div id="__next"><h1>Leaderboard</h1></div>
    <script id="__NEXT_DATA__" type="application/json">{"props":{"pageProps":{"leaderboard":[
      {"date":"03/29/2022","title":"Ronin Network - REKT","rekt":{"amount":624000000,"audit":"Unaudited","date":"03/23/2022"},
       "tags":["Ronin","REKT"],"excerpt":"~$624M stolen from Ronin Network, but nobody noticed for 6 days.","slug":"ronin-rekt"},
      {"date":"11/14/22","title":"Pulse Fire - REKT","rekt":{"amount":1234567,"audit":"N/A","date":"11/12/22"},
       "tags":["BSC"],"excerpt":"A <b>tiny</b> &amp; quick one.","slug":"pulse-rekt"}
    ]},"__N_SSG":true},"page":"/leaderboard","buildId":"abc"}</script></body></html>
    """

    @Test func rektShapedPageViaNextData() throws {
        var config = FeedFixtures.config(.json, name: "rekt", mapping: [
            "name": "/title", "date": "/rekt/date", "loss": "/rekt/amount", "summary": "/excerpt", "tags": "/tags", "id": "/slug",
        ], itemsPointer: "/props/pageProps/leaderboard")
        config.extract = "next_data"
        let result = try FeedParser.parse(Array(Self.rektPage.utf8), config: config)
        #expect(result.warnings.isEmpty)
        #expect(result.incidents.map(\.name) == ["Ronin Network - REKT", "Pulse Fire - REKT"])
        #expect(result.incidents.map(\.date) == [FeedFixtures.date("2022-03-23"), FeedFixtures.date("2022-11-12")])
        #expect(result.incidents.map(\.loss) == [Money(usd: 624e6), Money(usd: 1_234_567)])
        #expect(result.incidents.map(\.id) == ["ronin-rekt", "pulse-rekt"])
        #expect(result.incidents[1].summary == "A tiny & quick one.")
    }

    @Test func nextDataMissingIsAClearError() {
        var config = FeedFixtures.config(.json, mapping: ["name": "/title"])
        config.extract = "next_data"
        #expect(throws: FeedError.unexpectedShape("next_data: no <script id=\"__NEXT_DATA__\"> in the page")) {
            try FeedParser.parse(Array(Self.slowmistPage.utf8), config: config)
        }
    }

    /// Mutated pages never crash the html/xml readers or next_data: incidents or a FeedError.
    @Test(arguments: [FeedFormat.html, .xml, .json])
    func mutatedPagesNeverCrash(format: FeedFormat) {
        var config = Self.slowmist
        config.format = format
        if format == .json {
            config = FeedFixtures.config(.json, mapping: ["name": "/title"], itemsPointer: "/props/pageProps/leaderboard")
            config.extract = "next_data"
        }
        let seed = Array((format == .json ? Self.rektPage : Self.slowmistPage).utf8)
        var random = SplitMix64(seed: 0x5850_4154 + UInt64(format.rawValue.count))
        let alphabet = Array("<>/&;\"'[]{}:,\\ !-?=#0123456789abcxyz".utf8) + [0x00, 0xFF, 0xC3, 0xE2]
        for round in 0..<300 {
            var bytes = seed
            if round % 3 == 0 {
                bytes = Array(bytes.prefix(Int(random.next() % UInt64(bytes.count))))
            } else {
                for _ in 0..<(1 + Int(random.next() % 8)) where !bytes.isEmpty {
                    let at = Int(random.next() % UInt64(bytes.count))
                    let byte = alphabet[Int(random.next() % UInt64(alphabet.count))]
                    if random.next() % 2 == 0 { bytes[at] = byte } else { bytes.insert(byte, at: at) }
                }
            }
            if let result = try? FeedParser.parse(bytes, config: config) {
                #expect(result.incidents.allSatisfy { !$0.id.isEmpty && !$0.name.isEmpty })
            }
        }
    }
}
