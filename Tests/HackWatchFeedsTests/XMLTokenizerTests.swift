import Foundation
import Testing
@testable import HackWatchFeeds

@Suite struct XMLTokenizerTests {
    static func events(_ xml: String) throws -> [String] {
        var out: [String] = []
        _ = try XMLTokenizer.tokenize(Array(xml.utf8)) { event in
            switch event {
            case .start(let name, let attributes):
                out.append("<\(name)" + attributes.sorted { $0.key < $1.key }.map { " \($0.key)=\($0.value)" }.joined() + ">")
            case .end(let name): out.append("</\(name)>")
            case .text(let text): out.append(text)
            }
        }
        return out
    }

    @Test func decodesPredefinedAndNumericReferencesOnly() throws {
        let events = try Self.events(#"<a t="x &amp; &quot;y&quot; &#39;">&lt;b&gt; &#x2019;&#8217; &nbsp; &unknown; &#0; &#xD800; & loose</a>"#)
        #expect(events == [#"<a t=x & "y" '>"#, "<b> ’’ &nbsp; &unknown; \u{FFFD} \u{FFFD} & loose", "</a>"])
    }

    @Test func cdataIsRawAndCommentsAndPIsAreSkipped() throws {
        let events = try Self.events("<?xml version=\"1.0\"?><!-- c --><r><![CDATA[<p>a &amp; b]]></r>")
        #expect(events == ["<r>", "<p>a &amp; b", "</r>"])
    }

    @Test func selfClosingEmitsStartAndEnd() throws {
        #expect(try Self.events("<r><link href='u'/></r>") == ["<r>", "<link href=u>", "</link>", "</r>"])
    }

    /// Billion laughs: the DOCTYPE is skipped, the reference stays literal, nothing expands.
    @Test func billionLaughsDoesNotExpand() throws {
        var doctype = "<!DOCTYPE lolz [\n<!ENTITY lol \"lol\">\n"
        for level in 1...9 {
            doctype += "<!ENTITY lol\(level) \"" + String(repeating: "&lol\(level - 1 == 0 ? "" : String(level - 1));", count: 10) + "\">\n"
        }
        doctype += "]>"
        let xml = "<?xml version=\"1.0\"?>\(doctype)<rss version=\"2.0\"><channel><item><title>&lol9;</title></item></channel></rss>"
        var sawDoctype = false
        var texts: [String] = []
        let summary = try XMLTokenizer.tokenize(Array(xml.utf8)) { if case .text(let t) = $0 { texts.append(t) } }
        sawDoctype = summary.sawDoctype
        #expect(sawDoctype)
        #expect(texts == ["&lol9;"])
        let feed = try FeedFixtures.parse(xml, .rss)
        #expect(feed.incidents.first?.title == "&lol9;")
        #expect(feed.warnings.contains { $0.contains("DOCTYPE") })
    }

    /// XXE: the external entity is never read; the reference stays literal.
    @Test func externalEntityIsNotResolved() throws {
        let xml = """
        <?xml version="1.0"?>
        <!DOCTYPE foo [ <!ELEMENT foo ANY > <!ENTITY xxe SYSTEM "file:///etc/passwd" > ]>
        <rss><channel><item><title>&xxe;</title><description>x &xxe; y</description></item></channel></rss>
        """
        let feed = try FeedFixtures.parse(xml, .rss)
        let incident = try #require(feed.incidents.first)
        #expect(incident.title == "&xxe;")
        #expect(incident.summary == "x &xxe; y")
        #expect(!(incident.text.contains("root:")))
    }

    @Test func depthIsBounded() {
        let deep = String(repeating: "<a>", count: 100_000)
        #expect(throws: XMLTokenizer.Error.tooDeep(limit: 256)) { try Self.events(deep) }
        #expect(throws: FeedError.tooDeep(limit: 256)) { try FeedFixtures.parse("<rss>" + deep, .rss) }
    }

    @Test func invalidUTF8IsReplaced() throws {
        let bytes = Array("<rss><channel><item><title>Bad ".utf8) + [0xFF, 0xFE, 0xC3] + Array(" hacked</title></item></channel></rss>".utf8)
        let feed = try FeedParser.parse(bytes, config: FeedFixtures.config(.rss))
        #expect(feed.incidents.first?.title == "Bad \u{FFFD}\u{FFFD}\u{FFFD} hacked")
    }

    @Test(arguments: [
        "<a>", "<a></b>", "<a><b></a>", "</a>", "<a x></a>", "<a x=y></a>", "<a>x</a><b/>", "text<a/>", "<a><!-- x</a>",
        "<a><![CDATA[x</a>", "", "<a x=\"1</a>",
    ])
    func rejectsMalformed(xml: String) {
        #expect(throws: XMLTokenizer.Error.self) { try Self.events(xml) }
    }
}
