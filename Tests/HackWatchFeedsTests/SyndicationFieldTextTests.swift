import Foundation
import Testing
@testable import HackWatchConfiguration
@testable import HackWatchFeeds
@testable import HackWatchModel

/// Pins the text of every field the RSS/Atom reader produces on items covering each kind of
/// feed text: CDATA, named/numeric/double-escaped references, escaped and raw tags, scripts and
/// styles, whitespace runs, invalid UTF-8, and the XXE / billion-laughs refusals. The fast paths
/// in `hw_field_text` (text without markup or references taken as is, references decoded without
/// the HTML parser) must give exactly what the HTML parser gave before them.
@Suite struct SyndicationFieldTextTests {
    static let rss = #"""
    <?xml version="1.0" encoding="UTF-8"?>
    <rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>c</title>
    <item><guid>plain</guid><title>Protocol X Bridge exploited for $12 million</title><link>https://a.example/1</link><pubDate>Wed, 23 Mar 2022 10:00:00 GMT</pubDate><category>Exploits</category><description>Attackers drained the bridge; Lazarus Group suspected.</description></item>
    <item><guid>cdata</guid><title><![CDATA[<b>Bold</b> & CDATA <i>title</i>]]></title><link><![CDATA[https://a.example/2?x=1&y=2]]></link><category><![CDATA[DeFi & Bridges]]></category><description><![CDATA[<p>Drained <b>$5M</b></p><p>second &amp; third</p><!-- hidden -->]]></description></item>
    <item><guid>named</guid><title>caf&amp;eacute; M&amp;uuml;ller &amp;hellip; AT&amp;amp;T &amp;unknown; &amp;nbsp;x</title><description>&amp;copy; 2022 &amp;mdash; &amp;ldquo;quoted&amp;rdquo; &amp;lt;not a tag&amp;gt;</description><category>R&amp;amp;D</category></item>
    <item><guid>numeric</guid><title>&#233;t&#xE9; &#x2019;s &#8364;3M &#0;end</title><description>&amp;#233; &amp;#xe9; &amp;#X41; &amp;#0; &amp;#1114112; &amp;#55296; &amp;#;x &amp;#xZZ;</description></item>
    <item><guid>double</guid><title>&amp;lt;script&amp;gt;alert(1)&amp;lt;/script&amp;gt; and &amp;amp;amp;</title><description>&amp;lt;b&amp;gt;not bold&amp;lt;/b&amp;gt; &amp;amp;lt;</description></item>
    <item><guid>tags</guid><title>&lt;b&gt;Korea&lt;/b&gt;'s exchange &lt;em&gt;hacked&lt;/em&gt;</title><description>&lt;p&gt;Attackers drained &lt;b&gt;$42M&lt;/b&gt; from the &lt;a href="https://x.example/?a=1&amp;amp;b=2"&gt;protocol&lt;/a&gt;.&lt;/p&gt;&lt;p&gt;Next&lt;br&gt;line&lt;br/&gt;end&lt;/p&gt;&lt;ul&gt;&lt;li&gt;one&lt;/li&gt;&lt;li&gt;two&lt;/li&gt;&lt;/ul&gt;&lt;div&gt;caf&amp;eacute; &amp;amp; co&lt;/div&gt;</description></item>
    <item><guid>scripts</guid><title>Script &lt;script&gt;var a = "&lt;b&gt;";&lt;/script&gt;title</title><description>&lt;style&gt;p { color: red }&lt;/style&gt;&lt;script type="text/javascript"&gt;if (a &lt; b) alert(1);&lt;/script&gt;&lt;noscript&gt;enable js&lt;/noscript&gt;&lt;template&gt;&lt;p&gt;t&lt;/p&gt;&lt;/template&gt;visible &lt;!-- a comment --&gt;text</description></item>
    <item><guid>  spaced guid  </guid><title>
        Whitespace	runs
        everywhere   </title><link>
      https://a.example/ws
    </link><description>  a  
    	b &amp;nbsp; c&#xA0;d &#x2003; e&#x3000;f &#x200B;g  </description><category>   spaced   tag   </category></item>
    <item><guid>raw</guid><title>Raw <b>bold</b> in title</title><description>first<br>second<p>para</p> tail</description></item>
    <item><guid>lone</guid><title>a &lt; b &amp;&amp; c &gt; d</title><description>x &lt; y &lt;3 z &amp; AT&amp;T &lt;&lt;&gt;&gt;</description></item>
    <item><guid>ents</guid><title>x &amp; &quot;y&quot; &apos;z&apos; caf&eacute; &hellip; &unknown; &#39;</title><description>&eacute;&amp;eacute;&lt;i&gt;&eacute;&lt;/i&gt;</description></item>
    <item><guid>encoded</guid><title>Encoded</title><content:encoded><![CDATA[<div><h2>Heading</h2><p>Body &amp; more&nbsp;text</p><pre>  code   block  </pre></div>]]></content:encoded><dc:subject>Subject &amp;amp; tag</dc:subject><dc:date>2022-03-24T10:00:00Z</dc:date></item>
    <item><guid>empty</guid><title></title><description><![CDATA[]]></description><link>https://a.example/empty</link></item>
    <item><guid>utf8</guid><title>Zürich — 東京 ✓ 😀 &lt;i&gt;naïve&lt;/i&gt;</title><description>ünïcödé &amp;amp; ñ</description></item>
    </channel></rss>
    """#

    static let atom = #"""
    <feed xmlns="http://www.w3.org/2005/Atom"><title>f</title>
    <entry><id>atom-text</id><title type="text">a &lt;b&gt; &amp;amp; c</title><summary type="html">&lt;p&gt;html &amp;amp; &lt;b&gt;bold&lt;/b&gt;&lt;/p&gt;</summary><link href="https://a.example/atom?a=1&amp;b=2"/><updated>2022-03-23T10:00:00Z</updated><category term="t1" label="Label &amp;amp; one"/><category term="t&amp;2"/></entry>
    <entry><id>atom-xhtml</id><title type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">X<b>H</b>TML &amp;amp; <p>p</p></div></title><content type="html"><![CDATA[<p>content &eacute;</p>]]></content></entry>
    <entry><id>atom-default</id><title>Default &amp;eacute; &lt;b&gt;</title><summary>plain &amp;amp; text</summary></entry>
    </feed>
    """#

    static let billionLaughs: String = {
        var doctype = "<!DOCTYPE lolz [\n<!ENTITY lol \"lol\">\n"
        for level in 1...9 {
            doctype += "<!ENTITY lol\(level) \"" + String(repeating: "&lol\(level - 1 == 0 ? "" : String(level - 1));", count: 10) + "\">\n"
        }
        return "<?xml version=\"1.0\"?>" + doctype + "]><rss version=\"2.0\"><channel><item><guid>lol</guid><title>&lol9; &lol;</title>"
            + "<description>&lt;p&gt;&amp;lol9;&lt;/p&gt; &lol1;</description></item></channel></rss>"
    }()

    static let externalEntity = """
    <?xml version="1.0"?>
    <!DOCTYPE foo [ <!ELEMENT foo ANY > <!ENTITY xxe SYSTEM "file:///etc/passwd" > <!ENTITY % pe SYSTEM "http://127.0.0.1:1/x"> ]>
    <rss><channel><item><guid>xxe</guid><title>&xxe;</title><description>x &xxe; y &lt;b&gt;&amp;xxe;&lt;/b&gt;</description><link>&xxe;</link></item></channel></rss>
    """

    /// Invalid sequences: a stray continuation, an overlong, a surrogate, a truncated tail.
    static let invalidUTF8: [UInt8] = Array("<rss><channel><item><guid>bad-utf8</guid><title>Bad ".utf8) + [0xFF, 0xFE, 0xC3]
        + Array(" hacked &amp;eacute; ".utf8) + [0xE2, 0x82] + Array("</title><description>&lt;p&gt;x".utf8) + [0xC0, 0xAF]
        + Array("y&lt;/p&gt; tail ".utf8) + [0xED, 0xA0, 0x80] + Array("</description><category>c".utf8) + [0xF5]
        + Array("t</category></item></channel></rss>".utf8)

    enum Document: CaseIterable {
        case rss, atom, utf8, lol, xxe

        var bytes: [UInt8] {
            switch self {
            case .rss: Array(SyndicationFieldTextTests.rss.utf8)
            case .atom: Array(SyndicationFieldTextTests.atom.utf8)
            case .utf8: SyndicationFieldTextTests.invalidUTF8
            case .lol: Array(SyndicationFieldTextTests.billionLaughs.utf8)
            case .xxe: Array(SyndicationFieldTextTests.externalEntity.utf8)
            }
        }

        var format: FeedFormat { self == .atom ? .atom : .rss }

        func parse() throws -> FeedParseResult { try FeedParser.parse(bytes, config: FeedFixtures.config(format)) }
    }

    /// Every field an item fills, one line per field (unset optionals left out).
    static func dump(_ incident: Incident) -> String {
        var lines = ["id=\(incident.id)", "name=\(incident.name)"]
        if let title = incident.title { lines.append("title=\(title)") }
        if let summary = incident.summary { lines.append("summary=\(summary)") }
        if let url = incident.url { lines.append("url=\(url)") }
        if let date = incident.date { lines.append("date=\(ISO8601DateFormatter().string(from: date))") }
        if let loss = incident.loss { lines.append("loss=\(Int(exactly: loss.usd).map(String.init) ?? "\(loss.usd)")") }
        if let bridge = incident.bridge { lines.append("bridge=\(bridge)") }
        if let attribution = incident.attribution { lines.append("attribution=\(attribution)") }
        lines.append("tags=" + incident.tags.joined(separator: " | "))
        return lines.joined(separator: "\n")
    }

    /// Taken from the reader before the fast paths (HTML parser for every field with markup,
    /// Swift reference decoding): the same bytes must keep giving exactly these fields.
    static let expected: [(Document, String)] = [
        (.rss, "id=cdata\nname=Bold & CDATA title\ntitle=Bold & CDATA title\nsummary=Drained $5M second & third\nurl=https://a.example/2?x=1&y=2\nloss=5000000\ntags=DeFi & Bridges"),
        (.rss, "id=double\nname=<script>alert(1)</script> and &amp\ntitle=<script>alert(1)</script> and &amp;\nsummary=<b>not bold</b> &lt;\ntags="),
        (.rss, "id=empty\nname=https://a.example/empty\nurl=https://a.example/empty\ntags="),
        (.rss, "id=ents\nname=x & \"y\" 'z' café … &unknown\ntitle=x & \"y\" 'z' café … &unknown; '\nsummary=ééé\ntags="),
        (.rss, "id=lone\nname=a < b && c > d\ntitle=a < b && c > d\nsummary=x < y <3 z & AT&T <<>>\ntags="),
        (.rss, "id=named\nname=café Müller … AT&T &unknown; x\ntitle=café Müller … AT&T &unknown; x\nsummary=© 2022 — “quoted” <not a tag>\ntags=R&D"),
        (.rss, "id=numeric\nname=été\ntitle=été ’s €3M end\nsummary=é é A \u{FFFD} \u{FFFD} \u{FFFD} &#;x &#xZZ;\ntags="),
        (.rss, "id=raw\nname=Raw bold in title\ntitle=Raw bold in title\nsummary=first second para tail\ntags="),
        (.rss, "id=scripts\nname=Script title\ntitle=Script title\nsummary=visible text\ntags="),
        (.rss, "id=spaced guid\nname=Whitespace runs everywhere\ntitle=Whitespace runs everywhere\nsummary=a b c d e f \u{200B}g\nurl=https://a.example/ws\ntags=spaced tag"),
        (.rss, "id=tags\nname=Korea\ntitle=Korea 's exchange hacked\nsummary=Attackers drained $42M from the protocol. Next line end one two café & co\nloss=42000000\ntags="),
        (.rss, "id=utf8\nname=Zürich\ntitle=Zürich — 東京 ✓ 😀 naïve\nsummary=ünïcödé & ñ\ntags="),
        (.rss, "id=plain\nname=Protocol X Bridge\ntitle=Protocol X Bridge exploited for $12 million\nsummary=Attackers drained the bridge; Lazarus Group suspected.\nurl=https://a.example/1\ndate=2022-03-23T10:00:00Z\nloss=12000000\nbridge=true\nattribution=Lazarus Group\ntags=Exploits"),
        (.rss, "id=encoded\nname=Encoded\ntitle=Encoded\nsummary=Heading Body & more text code block\ndate=2022-03-24T10:00:00Z\ntags=Subject & tag"),
        (.atom, "id=atom-default\nname=Default &eacute; <b>\ntitle=Default &eacute; <b>\nsummary=plain &amp; text\ntags="),
        (.atom, "id=atom-xhtml\nname=XHTML &amp; p\ntitle=XHTML &amp; p\nsummary=content é\ntags="),
        (.atom, "id=atom-text\nname=a <b> &amp; c\ntitle=a <b> &amp; c\nsummary=html & bold\nurl=https://a.example/atom?a=1&b=2\ndate=2022-03-23T10:00:00Z\ntags=Label & one | t&2"),
        (.utf8, "id=bad-utf8\nname=Bad \u{FFFD}\u{FFFD}\u{FFFD}\ntitle=Bad \u{FFFD}\u{FFFD}\u{FFFD} hacked é \u{FFFD}\nsummary=x\u{FFFD}\u{FFFD}y tail \u{FFFD}\u{FFFD}\u{FFFD}\ntags=c\u{FFFD}t"),
        (.lol, "id=lol\nname=lol9; &lol\ntitle=&lol9; &lol;\nsummary=&lol9; &lol1;\ntags="),
        (.xxe, "id=xxe\nname=xxe\ntitle=&xxe;\nsummary=x &xxe; y &xxe;\nurl=&xxe;\ntags="),
    ]

    @Test(arguments: expected)
    func fieldTextIsPinned(document: Document, expected: String) throws {
        let id = String(expected.split(separator: "\n")[0].dropFirst(3))
        let incident = try #require(try document.parse().incidents.first { $0.id == id })
        #expect(Self.dump(incident) == expected)
    }

    /// No item more or fewer than pinned, and the same warnings (the hostile documents' DOCTYPE
    /// refusal, the invalid UTF-8 repair, the recovered faults).
    @Test(arguments: [
        (Document.rss, ["test: not well-formed XML, recovered (2 faults); first at line 6: xmlParseCharRef: invalid xmlChar value 0"]),
        (.atom, []),
        (.utf8, ["test: invalid UTF-8 replaced with U+FFFD"]),
        (.lol, ["test: <!DOCTYPE> ignored; entities it declares are not expanded"]),
        (.xxe, ["test: <!DOCTYPE> ignored; entities it declares are not expanded"]),
    ])
    func itemsAndWarningsArePinned(document: Document, warnings: [String]) throws {
        let feed = try document.parse()
        #expect(feed.warnings == warnings)
        #expect(feed.incidents.count == Self.expected.filter { $0.0 == document }.count)
        #expect(!feed.incidents.contains { $0.text.contains("root:") })
    }
}

/// The parser-free HTML path against libxml2's HTML parser: on every generated fragment it
/// accepts, the same text; what it does not know it leaves to the parser.
@Suite struct HTMLFastPathTests {
    static let pieces = [
        "<p>", "</p>", "<div>", "</div>", "<b>", "</b>", "<i>", "</i>", "<em>", "</em>", "<strong>", "</strong>",
        "<span>", "</span>", "<code>", "</code>", "<u>", "</u>", "<small>", "</small>", "<br>", "Text", "x y", " ",
        "  ", "\n", "\t", "é", "’s", "a>b", "$5M", "😀", "<li>", "</li>", "<a href=\"x\">", "</a>", "<P>", "<br/>",
        "<script>", "</script>", "&amp;", "a < b", "<!-- c -->", "<ul>", "</ul>", "<h2>", "</h2>",
    ]

    /// A fixed pseudo-random sequence (SplitMix64), so a failure names a reproducible fragment.
    static func fragments(count: Int, seed: UInt64) -> [String] {
        var state = seed
        func next() -> Int {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Int(truncatingIfNeeded: (z ^ (z >> 31)) >> 1)
        }
        return (0..<count).map { _ in
            (0..<(1 + next() % 12)).map { _ in pieces[next() % pieces.count] }.joined()
        }
    }

    @Test func agreesWithTheParserOnGeneratedFragments() {
        var accepted = 0
        for fragment in Self.fragments(count: 20_000, seed: 19) {
            guard let fast = FeedText.fastHTMLText(fragment) else { continue }
            accepted += 1
            let parsed = FeedText.stripHTML(fragment)
            #expect(fast == parsed, "fragment: \(String(reflecting: fragment))")
            if fast != parsed { break }
        }
        #expect(accepted > 1_000)  // about 1,400 of these 20,000 fragments
    }

    @Test(arguments: [
        ("<p>Attackers drained <b>$5M</b> from the bridge.</p>", "Attackers drained $5M from the bridge."),
        ("<b>Korea</b>'s exchange", "Korea 's exchange"),  // the parser's implied <p> around top-level text
        ("one<br>two<p>three</p>four", "one two three four"),
        ("<p>a<p>b", "a b"),
    ])
    func knownShapes(html: String, text: String) {
        #expect(FeedText.fastHTMLText(html) == text)
        #expect(FeedText.stripHTML(html) == text)
    }

    @Test(arguments: ["a &amp; b", "<p class=\"x\">a</p>", "<li>a", "<P>a</P>", "<b>a</i>", "a < b", "<br/>", "<script>x</script>", "<!-- c -->"])
    func leavesOtherFragmentsToTheParser(html: String) {
        #expect(FeedText.fastHTMLText(html) == nil)
    }
}
