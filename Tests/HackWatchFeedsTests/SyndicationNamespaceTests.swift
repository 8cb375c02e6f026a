import Foundation
import Testing
@testable import HackWatchFeeds
@testable import HackWatchModel

/// Elements count by namespace, not by local name; text constructs, links and guids as the
/// RSS and Atom specifications define them.
@Suite struct SyndicationNamespaceTests {
    static let namespaces = """
        xmlns:media="http://search.yahoo.com/mrss/" xmlns:dc="http://purl.org/dc/elements/1.1/" \
        xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"
        """

    static func rssItem(_ inner: String, base: String = "") throws -> Incident {
        let xml = "<rss version=\"2.0\" \(namespaces)\(base)><channel><title>c</title><item>\(inner)</item></channel></rss>"
        return try #require(try FeedFixtures.parse(xml, .rss).incidents.first)
    }

    static func atomEntry(_ inner: String, base: String = "") throws -> Incident {
        let xml = "<feed xmlns=\"http://www.w3.org/2005/Atom\" \(namespaces)\(base)><title>f</title><entry>\(inner)</entry></feed>"
        return try #require(try FeedFixtures.parse(xml, .atom).incidents.first)
    }

    /// `media:title`, `dc:title`, `itunes:summary`, `media:description` never overwrite the
    /// real title or summary, whatever their order.
    @Test func extensionsDoNotOverwriteCoreFields() throws {
        let item = try Self.rssItem("""
            <title>Nomad Bridge drained for $190M</title><media:title>Video thumbnail</media:title>
            <dc:title>Other</dc:title><description>Funds moved</description><itunes:summary>Podcast</itunes:summary>
            <media:description>Image caption</media:description><guid>1</guid>
            """)
        #expect(item.title == "Nomad Bridge drained for $190M")
        #expect(item.loss == Money(usd: 190e6))
        #expect(item.summary == "Funds moved")
        let entry = try Self.atomEntry("<media:title>Thumb</media:title><title>Atom title</title><id>1</id><media:description>x</media:description><summary>Real</summary>")
        #expect(entry.title == "Atom title" && entry.summary == "Real")
    }

    /// An extension fills a field only when the core element is missing (RSS 1.0 feeds date
    /// with `dc:date`; podcasts summarise with `itunes:summary`).
    @Test func extensionsFillMissingFields() throws {
        let item = try Self.rssItem("<guid>1</guid><dc:title>From DC</dc:title><itunes:summary>From iTunes</itunes:summary><dc:date>2022-03-29T12:00:00Z</dc:date>")
        #expect(item.title == "From DC" && item.summary == "From iTunes")
        #expect(item.date == FeedFixtures.date("2022-03-29T12:00:00Z"))
        let encoded = try Self.rssItem("<guid>1</guid><title>T</title><content:encoded><![CDATA[<p>Full <b>text</b></p>]]></content:encoded>")
        #expect(encoded.summary == "Full text")
    }

    /// An element named like a core one in an unknown namespace is ignored.
    @Test func unknownNamespaceIsIgnored() throws {
        let item = try Self.rssItem("<x:title xmlns:x=\"urn:other\">Wrong</x:title><title>Right</title><x:link xmlns:x=\"urn:other\">https://wrong.example</x:link><guid>1</guid>")
        #expect(item.title == "Right" && item.url == nil)
    }

    /// RSS 1.0 (RDF): items beside the channel, in the RSS 1.0 namespace, dated with dc:date.
    @Test func rss10() throws {
        let xml = """
        <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
        <channel rdf:about="https://r.example/"><title>R</title></channel>
        <item rdf:about="https://r.example/1"><title>Ronin hacked for $624M</title><link>https://r.example/1</link>
        <dc:date>2022-03-29</dc:date><dc:subject>Bridge</dc:subject></item></rdf:RDF>
        """
        let item = try #require(try FeedFixtures.parse(xml, .auto).incidents.first)
        #expect(item.url == "https://r.example/1" && item.loss == Money(usd: 624e6) && item.tags == ["Bridge"])
        #expect(item.date == FeedFixtures.date("2022-03-29"))
    }

    /// Atom `type="text"` is taken literally (decoded once, never tag-stripped); `html` and
    /// `xhtml` become text with `<script>`/`<style>` dropped.
    @Test func atomTextConstructs() throws {
        let text = try Self.atomEntry("<id>1</id><title type=\"text\">Use &lt;b&gt; &amp;amp; tags</title>")
        #expect(text.title == "Use <b> &amp; tags")
        let html = try Self.atomEntry("<id>1</id><title type=\"html\">&lt;b&gt;Bold&lt;/b&gt; &amp;eacute;t&amp;eacute;</title><summary type=\"html\">&lt;p&gt;a&lt;/p&gt;&lt;p&gt;b&lt;/p&gt;&lt;!-- c &gt; d --&gt;&lt;style&gt;p{}&lt;/style&gt;</summary>")
        #expect(html.title == "Bold été")
        #expect(html.summary == "a b")
        let xhtml = try Self.atomEntry("""
            <id>1</id><title>X</title><content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>One</p><p>Two <b>bold</b>'s</p>\
            <script>alert(1)</script><style>p { color: red }</style></div></content>
            """)
        #expect(xhtml.summary == "One Two bold's")
    }

    /// `rel="alternate"` (or no rel) wins over `related`/`via` whatever the order; `self` and
    /// `enclosure` are never the url.
    @Test(arguments: [
        (#"<link rel="related" href="https://rel.example"/><link rel="via" href="https://via.example"/><link href="https://alt.example"/>"#, "https://alt.example" as String?),
        (#"<link rel="via" href="https://via.example"/><link rel="alternate" href="https://alt.example"/>"#, "https://alt.example"),
        (#"<link rel="related" href="https://rel.example"/><link rel="self" href="https://self.example"/>"#, "https://rel.example"),
        (#"<link rel="self" href="https://self.example"/><link rel="enclosure" href="https://e.example/a.mp3"/>"#, nil),
    ])
    func atomLinkPreference(links: String, url: String?) throws {
        #expect(try Self.atomEntry("<id>1</id><title>T</title>\(links)").url == url)
    }

    /// `xml:base` (on the feed or the entry) resolves relative links.
    @Test func xmlBaseResolvesRelativeLinks() throws {
        let entry = try Self.atomEntry("<id>1</id><title>T</title><link href=\"posts/1\"/>", base: " xml:base=\"https://blog.example/news/\"")
        #expect(entry.url == "https://blog.example/news/posts/1")
        let nested = try Self.atomEntry("<id>1</id><title>T</title><link xml:base=\"/a/\" href=\"b\"/>", base: " xml:base=\"https://blog.example/x/\"")
        #expect(nested.url == "https://blog.example/a/b")
        let absolute = try Self.atomEntry("<id>1</id><title>T</title><link href=\"https://other.example/p\"/>", base: " xml:base=\"https://blog.example/\"")
        #expect(absolute.url == "https://other.example/p")
    }

    /// A `<guid>` is the url when there is no link, unless `isPermaLink="false"`.
    @Test(arguments: [
        ("<guid>https://n.example/1</guid>", "https://n.example/1" as String?),
        ("<guid isPermaLink=\"true\">https://n.example/2</guid>", "https://n.example/2"),
        ("<guid isPermaLink=\"false\">https://n.example/3</guid>", nil),
        ("<guid>tag:n.example,2022:4</guid>", nil),
        ("<guid>https://n.example/5</guid><link>https://n.example/link</link>", "https://n.example/link"),
    ])
    func guidAsPermalink(inner: String, url: String?) throws {
        #expect(try Self.rssItem("<title>T</title>\(inner)").url == url)
    }
}
