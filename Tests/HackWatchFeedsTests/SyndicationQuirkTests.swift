import Foundation
import Testing
@testable import HackWatchModel

/// Each quirk real feeds have, driven through the whole RSS / Atom parser (not just the helpers).
@Suite struct SyndicationQuirkTests {
    static func rssItem(_ inner: String) throws -> Incident {
        let xml = "<rss version=\"2.0\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><channel><title>c</title><item>\(inner)</item></channel></rss>"
        return try #require(try FeedFixtures.parse(xml, .rss).incidents.first)
    }

    static func atomEntry(_ inner: String) throws -> Incident {
        let xml = "<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>f</title><entry>\(inner)</entry></feed>"
        return try #require(try FeedFixtures.parse(xml, .atom).incidents.first)
    }

    @Test(arguments: [
        ("Wed, 23 Mar 2022 10:00:00 GMT", "2022-03-23T10:00:00Z"),    // RFC 822 with day name
        ("23 Mar 2022 10:00:00 GMT", "2022-03-23T10:00:00Z"),         // without day name
        ("Wed, 23 Mar 22 10:00:00 +0000", "2022-03-23T10:00:00Z"),    // two-digit year
        ("Wed, 23 Mar 2022 06:00:00 EDT", "2022-03-23T10:00:00Z"),    // named zone
        ("Wed, 23 Mar 2022 11:00:00 +0100", "2022-03-23T10:00:00Z"),  // numeric zone
        ("2022-03-23T10:00:00Z", "2022-03-23T10:00:00Z"),             // RFC 3339 in an RSS feed
    ])
    func rssPubDates(text: String, expected: String) throws {
        let item = try Self.rssItem("<title>X hacked</title><guid>1</guid><pubDate>\(text)</pubDate>")
        #expect(item.date == FeedFixtures.date(expected))
    }

    @Test(arguments: [
        ("2022-03-23T10:00:00Z", "2022-03-23T10:00:00Z"),
        ("2022-03-23T12:00:00+02:00", "2022-03-23T10:00:00Z"),
        ("2022-03-23T05:00:00.000-05:00", "2022-03-23T10:00:00Z"),
    ])
    func atomRFC3339(text: String, expected: String) throws {
        let entry = try Self.atomEntry("<title>X hacked</title><id>1</id><updated>\(text)</updated>")
        #expect(entry.date == FeedFixtures.date(expected))
    }

    @Test func unparsableDateIsNilNotFatal() throws {
        let item = try Self.rssItem("<title>X hacked</title><guid>1</guid><pubDate>sometime last week</pubDate>")
        #expect(item.date == nil)
    }

    @Test(arguments: [
        ("Ronin loses $625 million", 625e6 as Double?),
        ("Bybit: $1.9 billion drained", 1.9e9),
        ("Nomad drained of $190M", 190e6),
        ("Exchange loses US$ 1.5bn", 1.5e9),
        ("Protocol loses $3,000,000", 3e6),
        ("Protocol loses 120,000 ETH", nil),
        ("Protocol loses A$5 million", nil),
    ])
    func lossFromTitle(title: String, loss: Double?) throws {
        let item = try Self.rssItem("<title>\(title)</title><guid>1</guid>")
        #expect(item.loss?.usd == loss)
        let entry = try Self.atomEntry("<title>Something happened</title><id>1</id><summary type=\"html\">&lt;p&gt;\(title)&lt;/p&gt;</summary>")
        #expect(entry.loss?.usd == loss)
    }

    @Test func categoriesBecomeTags() throws {
        let item = try Self.rssItem("""
            <title>X hacked</title><guid>1</guid><category domain="https://n.example/c">Bridge</category>
            <category> DeFi  Hacks </category><dc:subject>Security</dc:subject><category></category>
            """)
        #expect(item.tags == ["Bridge", "DeFi Hacks", "Security"])
        let entry = try Self.atomEntry("<title>X</title><id>1</id><category term=\"defi\"/><category term=\"x\" label=\"Exploits\"/>")
        #expect(entry.tags == ["defi", "Exploits"])
    }

    @Test func htmlIsStripped() throws {
        let escaped = try Self.rssItem("<title>A &amp; B hacked</title><guid>1</guid><description>&lt;p&gt;Funds &lt;a href=\"x\"&gt;moved&lt;/a&gt;&lt;/p&gt;&lt;script&gt;evil()&lt;/script&gt;</description>")
        #expect(escaped.title == "A & B hacked")
        #expect(escaped.summary == "Funds moved")
        let cdata = try Self.rssItem("<title><![CDATA[<b>C</b> hacked]]></title><guid>1</guid><description><![CDATA[<div><img src=x onerror=alert(1)>Drained<br/>again</div>]]></description>")
        #expect(cdata.title == "C hacked")
        #expect(cdata.summary?.contains("<") == false)
        #expect(cdata.summary?.contains("Drained") == true && cdata.summary?.contains("onerror") == false)
        let xhtml = try Self.atomEntry("<title type=\"xhtml\"><div xmlns=\"http://www.w3.org/1999/xhtml\"><em>D</em> hacked</div></title><id>1</id>")
        #expect(xhtml.title == "D hacked" && xhtml.name == "D")
    }

    @Test(arguments: [
        ("Harmony Horizon Bridge drained", true as Bool?),
        ("Cross-chain bridge exploited", true),
        ("DEX drained via flash loan", nil),
    ])
    func bridgeIsInferred(title: String, bridge: Bool?) throws {
        #expect(try Self.rssItem("<title>\(title)</title><guid>1</guid>").bridge == bridge)
    }

    @Test(arguments: [
        ("FBI: Lazarus Group behind the theft", "Lazarus Group" as String?),
        ("Hack attributed to the DPRK", "Lazarus Group"),
        ("North Korea-linked hackers strike", "Lazarus Group"),
        ("North Korean hackers suspected", "Lazarus Group"),
        ("Attacker unknown", nil),
    ])
    func attributionFromText(text: String, attribution: String?) throws {
        let item = try Self.rssItem("<title>X hacked</title><guid>1</guid><description>\(text)</description>")
        #expect(item.attribution == attribution)
    }
}
