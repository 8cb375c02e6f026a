import Testing
@testable import HackWatchConfiguration

/// `items_xpath`, XPath mappings and `extract`: checked at config load (XPath compiled by libxml2).
@Suite struct XPathConfigTests {
    static func feed(_ keys: String) -> String { #"{"feeds": [{"name": "a", "url": "https://x.example/f", \#(keys)}]}"# }

    @Test(arguments: [
        (#""format": "html", "mapping": {"name": "h3"}"#,
         [#"$.feeds[0].items_xpath: required with format "html" (XPath selecting each item, e.g. "//ul/li")"#]),
        (#""format": "html", "items_xpath": "//li[", "mapping": {"name": "h3", "date": "span[@class='time'", "nam": "x"}"#,
         ["$.feeds[0].items_xpath: '//li[' is not a valid XPath 1.0 expression",
          "$.feeds[0].mapping.date: 'span[@class='time'' is not a valid XPath 1.0 expression",
          "$.feeds[0].mapping.nam: unknown field 'nam'; did you mean 'name'?"]),
        (#""format": "xml", "items_xpath": "//item", "mapping": {"title": "title"}"#,
         [#"$.feeds[0].mapping: 'name' is required (an XPath to the protocol's name, relative to the item, e.g. "h3")"#]),
        (#""format": "xml", "items_xpath": "//item", "mapping": {"name": "title"}, "extract": "next_data""#,
         [#"$.feeds[0].extract: only used with format "json" (this feed is xml)"#]),
        (#""format": "rss", "items_xpath": "//item""#,
         [#"$.feeds[0].items_xpath: only used with format "html" or "xml" (this feed is rss)"#]),
        (#""format": "json", "extract": "nextdata", "mapping": {"name": "/title"}"#,
         ["$.feeds[0].extract: 'nextdata' is not one of next_data"]),
        (#""format": "rss", "extract": "next_data""#,
         [#"$.feeds[0].extract: only used with format "json" (this feed is rss)"#]),
        (#""format": "html", "items_xpath": 5, "mapping": {"name": "h3"}"#,
         ["$.feeds[0].items_xpath: expected a string, got number",
          #"$.feeds[0].items_xpath: required with format "html" (XPath selecting each item, e.g. "//ul/li")"#]),
    ])
    func problems(keys: String, expected: [String]) {
        #expect(HackWatchConfigTests.problems(Self.feed(keys)) == expected)
    }

    @Test func validFeedsLoad() throws {
        let html = #""format": "html", "items_xpath": "//div[@class='case-content']/ul/li", "mapping": {"name": "normalize-space(substring-after(h3, ':'))", "url": "p/a/@href", "tags": "p/span"}"#
        let config = try HackWatchConfigTests.decode(Self.feed(html))
        #expect(config.feeds.first?.itemsXPath == "//div[@class='case-content']/ul/li")
        let next = try HackWatchConfigTests.decode(Self.feed(#""format": "json", "extract": "next_data", "items_pointer": "/props/pageProps/leaderboard", "mapping": {"name": "/title"}"#))
        #expect(next.feeds.first?.extract == "next_data")
    }
}
