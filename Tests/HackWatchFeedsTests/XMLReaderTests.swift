import Foundation
import Testing
@testable import HackWatchConfiguration
@testable import HackWatchFeeds
@testable import HackWatchModel

/// The libxml2 reader under RSS/Atom: references, hostile DTDs, limits, encodings and recovery.
/// (Ported from the old tokenizer's tests: every hostile-input assertion is kept.)
@Suite struct XMLReaderTests {
    static func rss(_ items: String, prolog: String = "") -> String {
        "\(prolog)<rss version=\"2.0\"><channel><title>c</title>\(items)</channel></rss>"
    }

    /// The five predefined entities, numeric references and the full HTML entity set decode;
    /// unknown names stay literal, never expanded; invalid code points are dropped.
    @Test func decodesPredefinedNumericAndHTMLReferences() throws {
        let xml = Self.rss(#"<item><title>x &amp; &quot;y&quot; &#39; &#x2019;&#8217; caf&eacute; M&uuml;ller &hellip; &unknown; &#0;end</title><guid>1</guid></item>"#)
        let title = try #require(try FeedFixtures.parse(xml, .rss).incidents.first?.title)
        #expect(title == "x & \"y\" ' ’’ café Müller … &unknown; end")
    }

    @Test func cdataIsRawAndCommentsAndPIsAreSkipped() throws {
        let xml = "<?xml version=\"1.0\"?><!-- c --><rss><channel><item><guid>1</guid><title>T</title><!-- hidden > tail --><?pi x?><description><![CDATA[<p>a &amp; b</p><!-- x > y -->]]></description></item></channel></rss>"
        let item = try #require(try FeedFixtures.parse(xml, .rss).incidents.first)
        #expect(item.summary == "a & b")
    }

    /// Billion laughs: the declarations are never used, the reference stays literal.
    @Test func billionLaughsDoesNotExpand() throws {
        var doctype = "<!DOCTYPE lolz [\n<!ENTITY lol \"lol\">\n"
        for level in 1...9 {
            doctype += "<!ENTITY lol\(level) \"" + String(repeating: "&lol\(level - 1 == 0 ? "" : String(level - 1));", count: 10) + "\">\n"
        }
        doctype += "]>"
        let xml = "<?xml version=\"1.0\"?>\(doctype)<rss version=\"2.0\"><channel><item><title>&lol9;</title></item></channel></rss>"
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
        #expect(throws: FeedError.tooDeep(limit: 256)) { try FeedFixtures.parse("<rss>" + deep, .rss) }
        var xml = FeedFixtures.config(.xml, mapping: ["name": "b"])
        xml.itemsXPath = "//a"
        #expect(throws: FeedError.tooDeep(limit: 256)) { try FeedParser.parse(Array(deep.utf8), config: xml) }
    }

    @Test func invalidUTF8IsReplaced() throws {
        let bytes = Array("<rss><channel><item><title>Bad ".utf8) + [0xFF, 0xFE, 0xC3] + Array(" hacked</title></item></channel></rss>".utf8)
        let feed = try FeedParser.parse(bytes, config: FeedFixtures.config(.rss))
        #expect(feed.incidents.first?.title == "Bad \u{FFFD}\u{FFFD}\u{FFFD} hacked")
        #expect(feed.warnings == ["test: invalid UTF-8 replaced with U+FFFD"])
    }

    /// Nothing to read at all: a clear error, not an empty feed.
    @Test(arguments: ["", "   ", "not xml at all", "<", "<!-- only a comment -->"])
    func refusesDocumentsWithoutAnElement(xml: String) {
        #expect(throws: FeedError.self) { try FeedFixtures.parse(xml, .rss) }
    }

    // MARK: encodings

    @Test(arguments: ["windows-1252", "ISO-8859-1", "iso-8859-15"])
    func declaredSingleByteEncodings(encoding: String) throws {
        // "Café Müller hacked" in the single-byte encodings (é = E9, ü = FC in all three).
        var bytes = Array("<?xml version=\"1.0\" encoding=\"\(encoding)\"?><rss><channel><item><guid>1</guid><title>Caf".utf8)
        bytes += [0xE9] + Array(" M".utf8) + [0xFC] + Array("ller hacked</title></item></channel></rss>".utf8)
        let feed = try FeedParser.parse(bytes, config: FeedFixtures.config(.rss))
        #expect(feed.incidents.first?.title == "Café Müller hacked")
        #expect(feed.warnings.isEmpty)
    }

    @Test func windows1252Quotes() throws {
        let bytes = Array("<?xml version=\"1.0\" encoding=\"windows-1252\"?><rss><channel><item><guid>1</guid><title>".utf8)
            + [0x93] + Array("Q".utf8) + [0x94, 0x20, 0x80] + Array("5M</title></item></channel></rss>".utf8)
        #expect(try FeedParser.parse(bytes, config: FeedFixtures.config(.rss)).incidents.first?.title == "“Q” €5M")
    }

    @Test(arguments: [String.Encoding.utf16LittleEndian, .utf16BigEndian, .utf32LittleEndian, .utf32BigEndian])
    func utf16And32WithBOM(encoding: String.Encoding) throws {
        let xml = "<?xml version=\"1.0\"?><feed xmlns=\"http://www.w3.org/2005/Atom\"><entry><id>1</id><title>Ünïcode hacked for $5M</title></entry></feed>"
        let bom: [UInt8] = switch encoding {
        case .utf16LittleEndian: [0xFF, 0xFE]
        case .utf16BigEndian: [0xFE, 0xFF]
        case .utf32LittleEndian: [0xFF, 0xFE, 0, 0]
        default: [0, 0, 0xFE, 0xFF]
        }
        let bytes = bom + [UInt8](xml.data(using: encoding)!)
        let feed = try FeedParser.parse(bytes, config: FeedFixtures.config(.auto))
        #expect(feed.incidents.first?.title == "Ünïcode hacked for $5M")
        #expect(feed.incidents.first?.loss == Money(usd: 5e6))
    }

    @Test func utf8BOMIsSkipped() throws {
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array(Self.rss("<item><guid>1</guid><title>BOM</title></item>").utf8)
        #expect(try FeedParser.parse(bytes, config: FeedFixtures.config(.auto)).incidents.map(\.title) == ["BOM"])
    }

    // MARK: recovery

    /// One ill-formed construct no longer refuses the feed: every item is kept, and the warning
    /// names the fault.
    @Test(arguments: [
        ("<description>Drained<br>again</description>", "Opening and ending tag mismatch: br line 1 and description (an unclosed tag such as a raw <br>?)"),
        ("<description>a < b</description>", "StartTag: invalid element name (a lone '<'?)"),
    ])
    func illFormedItemKeepsEveryItem(fault: String, message: String) throws {
        let xml = Self.rss("<item><guid>1</guid><title>First hacked for $190M</title>\(fault)<link>https://a.example/1</link></item>"
            + "<item><guid>2</guid><title>Second hacked</title><description>AT&amp;T</description></item>")
        let feed = try FeedFixtures.parse(xml, .rss, name: "f")
        #expect(feed.incidents.map(\.title) == ["First hacked for $190M", "Second hacked"])
        #expect(feed.incidents.map(\.url) == ["https://a.example/1", nil])
        #expect(feed.incidents.map(\.loss) == [Money(usd: 190e6), nil])
        #expect(feed.incidents.last?.summary == "AT&T")  // references after a fault still decode
        #expect(feed.warnings == ["f: not well-formed XML, recovered (1 fault); first at line 1: \(message)"])
    }

    /// A body cut off in the middle of an item keeps the complete items and drops the cut one
    /// (its "$1" might have been "$100M").
    @Test func truncatedBodyKeepsCompleteItems() throws {
        let xml = Self.rss("<item><guid>1</guid><title>Whole hacked</title></item><item><guid>2</guid><title>Cut hacked for $1")
            .replacingOccurrences(of: "</channel></rss>", with: "")
        let feed = try FeedFixtures.parse(xml, .rss, name: "f")
        #expect(feed.incidents.map(\.title) == ["Whole hacked"])
        #expect(feed.warnings.count == 2)
        #expect(feed.warnings.first?.hasPrefix("f: not well-formed XML, recovered (") == true)
        #expect(feed.warnings.first?.hasSuffix("(the body is truncated)") == true)
        #expect(feed.warnings.last == "f: item 1 skipped: cut off by the end of the body")
    }
}
