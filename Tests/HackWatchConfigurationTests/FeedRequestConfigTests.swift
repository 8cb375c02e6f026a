import Foundation
import Testing
@testable import HackWatchConfiguration
@testable import HackWatchModel

/// Config keys for requests (`method`, `body`, secret headers), transforms and the XML-format
/// contract keys (`items_xpath`, `extract`).
@Suite struct FeedRequestConfigTests {
    static func feeds(_ entry: String, environment: [String: String] = [:]) throws(ConfigError) -> [FeedConfig] {
        try HackWatchConfig.decode(Array(#"{"feeds": [\#(entry)]}"#.utf8), path: "/etc/hackwatch/config.json",
                                   environment: environment).feeds
    }

    static func problems(_ entry: String) -> [String] {
        do {
            _ = try feeds(entry)
            return []
        } catch {
            return error.problems.map(\.description)
        }
    }

    static let base = #""name": "a", "url": "https://x.example/api""#

    @Test func postWithBodyAndSecretHeaders() throws {
        let feed = try #require(try Self.feeds(#"{\#(Self.base), "method": "post", "body": "{\"t\": {{now_ms}}}", "headers_file": "keys/defi.headers", "format": "json", "mapping": {"name": "/n"}}"#).first)
        #expect(feed.method == "POST")
        #expect(feed.body == .text(#"{"t": {{now_ms}}}"#))
        // Relative to the config's folder, like every other path.
        #expect(feed.secretHeaders == .file("/etc/hackwatch/keys/defi.headers"))
        let fromFile = try #require(try Self.feeds(#"{\#(Self.base), "method": "POST", "body_file": "q.graphql", "headers_env": "DEFI_HEADERS"}"#).first)
        #expect(fromFile.body == .file("/etc/hackwatch/q.graphql"))
        #expect(fromFile.secretHeaders == .environment("DEFI_HEADERS"))
    }

    @Test func contractKeysOfTheXMLFormatsAreAccepted() throws {
        let html = try #require(try Self.feeds(#"{\#(Self.base), "format": "html", "items_xpath": "//li", "mapping": {"name": "h3/text()", "date": "span[@class='time']"}}"#).first)
        #expect(html.format == .html && html.itemsXPath == "//li" && html.mapping["name"] == "h3/text()")
        let nextData = try #require(try Self.feeds(#"{\#(Self.base), "format": "json", "extract": "next_data", "items_pointer": "/props/x", "mapping": {"name": "/title"}}"#).first)
        #expect(nextData.extract == "next_data")
    }

    @Test func transformsDecode() throws {
        let feed = try #require(try Self.feeds(#"""
            {\#(Self.base), "format": "json", "mapping": {"name": "/title", "chains": "/chainIds", "tags": "/tags"},
             "transforms": {"name": {"strip": [" - REKT", " - Rekt II"]}, "chains": {"map": "evm-chain-ids"},
                            "url": {"template": "https://rekt.news/{{slug}}"}, "attribution": {"from": "tags"}}}
            """#).first)
        #expect(feed.transforms["name"] == FieldTransform(strip: [" - REKT", " - Rekt II"]))
        #expect(feed.transforms["chains"] == FieldTransform(map: "evm-chain-ids"))
        #expect(feed.transforms["url"] == FieldTransform(template: "https://rekt.news/{{slug}}"))
        #expect(feed.transforms["attribution"] == FieldTransform(from: "tags"))
    }

    static let json = #""format": "json", "mapping": {"name": "/n", "tags": "/t"}"#

    @Test(arguments: [
        (#""method": "PUT""#, ["$.feeds[0].method: expected GET or POST, got 'PUT'"]),
        (#""body": "{}""#, [#"$.feeds[0].body: a body needs "method": "POST""#]),
        (#""method": "POST", "body": "a", "body_file": "b""#, ["$.feeds[0].body_file: give either body or body_file, not both"]),
        (#""headers_file": "h", "headers_env": "H""#, ["$.feeds[0].headers_env: give either headers_file or headers_env, not both"]),
        (#""extract": "nextdata", \#(json)"#, ["$.feeds[0].extract: 'nextdata' is not one of next_data"]),
        (#""extract": "next_data", "format": "rss""#, [#"$.feeds[0].extract: only used with format "json" (this feed is rss)"#]),
        (#""items_xpath": "//li", \#(json)"#, [#"$.feeds[0].items_xpath: only used with format "html" or "xml" (this feed is json)"#]),
        (#"\#(json), "transforms": {"nam": {"strip": "x"}}"#, ["$.feeds[0].transforms.nam: unknown field 'nam'; did you mean 'name'?"]),
        (#"\#(json), "transforms": {"chains": {"map": "evm"}}"#,
         ["$.feeds[0].transforms.chains.map: unknown table 'evm'; known: evm-chain-ids",
          "$.feeds[0].transforms.chains: 'chains' is not mapped (only a template or from gives it a value)"]),
        (#"\#(json), "transforms": {"name": {"strp": "x", "strip": 5}}"#,
         ["$.feeds[0].transforms.name.strp: unknown key 'strp'; did you mean 'strip'?",
          "$.feeds[0].transforms.name.strip: expected a string or a list of strings, got number"]),
        (#"\#(json), "transforms": {"url": {"template": "https://x/{{slug"}}"#, ["$.feeds[0].transforms.url.template: unbalanced '{{' / '}}'"]),
        (#"\#(json), "transforms": {"url": {"template": "https://x/"}}"#, ["$.feeds[0].transforms.url.template: no {{placeholder}}; a constant belongs in the mapping's feed, not every item"]),
        (#"\#(json), "transforms": {"attribution": {"from": "chains"}}"#, ["$.feeds[0].transforms.attribution.from: 'chains' is not a mapped field"]),
        (#"\#(json), "transforms": {"name": {"from": "tags"}}"#, ["$.feeds[0].transforms.name.from: only 'attribution' takes its value from another field"]),
        (#""format": "rss", "transforms": {"name": {"strip": "x"}}"#,
         [#"$.feeds[0].transforms: only used with a mapping (format "json", "html" or "xml")"#]),
    ])
    func errors(keys: String, expected: [String]) {
        #expect(Self.problems("{\(Self.base), \(keys)}") == expected)
    }

    /// A secret header file's path may be named in errors; its contents never are (they are
    /// not even read at load: the daemon reads them at each poll).
    @Test func secretHeadersAreNotReadAtLoad() throws {
        let feed = try #require(try Self.feeds(#"{\#(Self.base), "headers_env": "NOT_SET_ANYWHERE"}"#).first)
        #expect(feed.secretHeaders?.description == "$NOT_SET_ANYWHERE")
    }
}
