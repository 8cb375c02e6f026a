import Foundation
import Testing
@testable import HackWatchFeeds
@testable import HackWatchModel

@Suite struct SyndicationTests {
    static let rss = """
    <?xml version="1.0" encoding="UTF-8"?>
    <rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:content="http://purl.org/rss/1.0/modules/content/">
    <channel>
      <title>Hack news</title><link>https://news.example/</link>
      <item>
        <title>Ronin Bridge hacked: $625 million stolen</title>
        <link>https://news.example/ronin</link>
        <guid isPermaLink="false">news-1</guid>
        <pubDate>Tue, 29 Mar 2022 14:00:00 GMT</pubDate>
        <category>Bridge</category><category><![CDATA[Hacks &amp; Exploits]]></category>
        <description>&lt;p&gt;The US Treasury tied the theft to &lt;b&gt;North Korea&lt;/b&gt;&amp;#8217;s Lazarus.&lt;/p&gt;</description>
      </item>
      <item>
        <title>Beanstalk exploited</title>
        <link>https://news.example/beanstalk</link>
        <dc:date>2022-04-17T12:00:00Z</dc:date>
        <content:encoded><![CDATA[<p>Attackers took 120,000 ETH via governance.</p>]]></content:encoded>
      </item>
      <item><title></title></item>
    </channel>
    </rss>
    """

    @Test func rssItems() throws {
        let result = try FeedFixtures.parse(Self.rss, .rss, name: "news")
        #expect(result.incidents.count == 2)
        #expect(result.warnings == ["news: item 2 skipped: no title, link or summary"])
        let ronin = result.incidents[0]
        #expect(ronin.id == "news-1")
        #expect(ronin.source == "news" && ronin.sources == ["news"])
        #expect(ronin.name == "Ronin Bridge")
        #expect(ronin.title == "Ronin Bridge hacked: $625 million stolen")
        #expect(ronin.url == "https://news.example/ronin")
        #expect(ronin.date == FeedFixtures.date("2022-03-29T14:00:00Z"))
        #expect(ronin.loss == Money(usd: 625e6))
        #expect(ronin.bridge == true)
        #expect(ronin.attribution == "Lazarus Group")
        #expect(ronin.tags == ["Bridge", "Hacks & Exploits"])
        #expect(ronin.summary == "The US Treasury tied the theft to North Korea’s Lazarus.")

        let beanstalk = result.incidents[1]
        #expect(beanstalk.id == "https://news.example/beanstalk")  // no guid: the link
        #expect(beanstalk.name == "Beanstalk")
        #expect(beanstalk.loss == nil)  // 120,000 ETH is not USD
        #expect(beanstalk.bridge == nil)
        #expect(beanstalk.summary == "Attackers took 120,000 ETH via governance.")
        #expect(beanstalk.date == FeedFixtures.date("2022-04-17T12:00:00Z"))
    }

    static let atom = """
    <?xml version="1.0" encoding="utf-8"?>
    <feed xmlns="http://www.w3.org/2005/Atom">
      <title>Exploits</title>
      <id>urn:feed</id>
      <entry>
        <title type="html">Euler Finance - REKT</title>
        <link rel="self" href="https://atom.example/self/1"/>
        <link href="https://atom.example/euler"/>
        <id>urn:uuid:1</id>
        <updated>2023-03-20T00:00:00Z</updated>
        <published>2023-03-13T09:30:00.000+01:00</published>
        <category term="lending" label="Lending"/>
        <category term="flashloan"/>
        <summary type="html">&lt;p&gt;US$ 197M taken in a flash loan attack.&lt;/p&gt;</summary>
      </entry>
      <entry>
        <title>Multichain: funds moved</title>
        <link rel="alternate" type="text/html" href="https://atom.example/multichain"/>
        <id>urn:uuid:2</id>
        <updated>2023-07-07T00:00:00Z</updated>
        <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>Bridge outflows of <b>$126M</b>.</p></div></content>
      </entry>
    </feed>
    """

    @Test func atomEntries() throws {
        let result = try FeedFixtures.parse(Self.atom, .atom, name: "atom")
        #expect(result.warnings.isEmpty)
        #expect(result.incidents.count == 2)
        let euler = result.incidents[0]
        #expect(euler.id == "urn:uuid:1")
        #expect(euler.name == "Euler Finance")
        #expect(euler.url == "https://atom.example/euler")
        #expect(euler.date == FeedFixtures.date("2023-03-13T08:30:00Z"))  // published beats updated
        #expect(euler.tags == ["Lending", "flashloan"])
        #expect(euler.loss == Money(usd: 197e6))
        #expect(euler.summary == "US$ 197M taken in a flash loan attack.")
        let multichain = result.incidents[1]
        #expect(multichain.name == "Multichain")
        #expect(multichain.url == "https://atom.example/multichain")
        #expect(multichain.summary == "Bridge outflows of $126M.")
        #expect(multichain.loss == Money(usd: 126e6))
        #expect(multichain.bridge == true)
        #expect(multichain.date == FeedFixtures.date("2023-07-07"))
    }

    @Test func rdfAndSniffing() throws {
        let rdf = """
        <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/">
        <channel><title>x</title></channel>
        <item><title>Cream hacked</title><link>https://r.example/1</link></item>
        </rdf:RDF>
        """
        #expect(try FeedParser.sniff(Array(rdf.utf8)) == .rss)
        #expect(try FeedParser.sniff(Array(Self.atom.utf8)) == .atom)
        #expect(try FeedParser.sniff(Array(Self.rss.utf8)) == .rss)
        #expect(try FeedFixtures.parse(rdf, .auto).incidents.map(\.name) == ["Cream"])
        #expect(try FeedFixtures.parse(Self.atom, .auto).incidents.count == 2)
        #expect(throws: FeedError.self) { try FeedFixtures.parse("<html><body/></html>", .auto) }
        #expect(throws: FeedError.self) { try FeedFixtures.parse("hello", .auto) }
    }

    @Test func wrongRootAndDuplicateGuids() throws {
        #expect(throws: FeedError.self) { try FeedFixtures.parse("<html><item/></html>", .rss) }
        let dup = "<rss><channel><item><title>A hacked</title><guid>g</guid></item><item><title>B hacked</title><guid>g</guid></item></channel></rss>"
        let result = try FeedFixtures.parse(dup, .rss, name: "d")
        #expect(result.incidents.map(\.name) == ["A"])
        #expect(result.warnings == ["d: item 1 skipped: duplicate id g (first in item 0)"])
    }

    @Test func itemsWithoutGuidOrLinkGetStableHashedIDs() throws {
        let feed = "<rss><channel><item><title>X hacked</title><pubDate>Tue, 29 Mar 2022 14:00:00 GMT</pubDate></item><item><title>Y hacked</title></item></channel></rss>"
        let first = try FeedFixtures.parse(feed, .rss)
        let second = try FeedFixtures.parse(feed, .rss)
        #expect(first.incidents.map(\.id) == second.incidents.map(\.id))
        #expect(first.incidents[0].id == IncidentIdentity.hash(IncidentIdentity.baseKey(name: "X", date: FeedFixtures.date("2022-03-29T14:00:00Z"))))
        #expect(Set(first.incidents.map(\.id)).count == 2)
    }

    @Test func hostileTitleIsCapped() throws {
        let long = String(repeating: "A", count: 10_000)
        let result = try FeedFixtures.parse("<rss><channel><item><title>\(long)</title><guid>\(long)</guid></item></channel></rss>", .rss)
        let incident = try #require(result.incidents.first)
        #expect(incident.title?.count == FeedText.maxTitle)
        #expect(incident.id.count == 16)
    }
}
