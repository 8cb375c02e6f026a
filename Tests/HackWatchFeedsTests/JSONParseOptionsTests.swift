import Foundation
import Testing
@testable import HackWatchFeeds
@testable import HackWatchModel

/// `JSONValue.parse` with `.feed` options (what the DefiLlama and generic JSON feeds use) next to
/// `.strict` (config, store, notify): one grammar, differing only in depth, UTF-8 repair and BOM.
@Suite struct JSONParseOptionsTests {
    static let both: [JSONParseOptions] = [.strict, .feed]

    @Test(arguments: both)
    func parsesEveryKind(options: JSONParseOptions) throws {
        let value = try JSONValue.parse(Array(#"""
        {"a": [1, -2.5, 3e2, 0, -0.0, 12345678901234567890], "b": {"c": null, "d": true, "e": false},
         "s": "x\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00", "empty": [], "o": {}}
        """#.utf8), options: options)
        let object = try #require(value.objectValue)
        #expect(object["a"] == .array([.number(1), .number(-2.5), .number(300), .number(0), .number(-0.0),
                                       .number(1.2345678901234567e19)]))
        #expect(object["b"] == .object(["c": .null, "d": .bool(true), "e": .bool(false)]))
        #expect(object["s"] == .string("x\"\\/\u{8}\u{C}\n\r\té😀"))
        #expect(object["empty"] == .array([]))
        #expect(object["o"] == .object([:]))
    }

    @Test(arguments: [
        "", "[", "[1,]", "{\"a\" 1}", "{\"a\":1,}", "01", "1.", "-", "1e", "tru", "[1] x", "\"abc",
        "\"a\u{01}b\"", "\"\\x\"", "\"\\u12G4\"", "{1:2}", "nul", "[1 2]", "-01", ".5", "1.e5", "[1-2]",
    ])
    func rejectsMalformed(text: String) {
        for options in Self.both {
            #expect(throws: JSONParseError.self) { try JSONValue.parse(Array(text.utf8), options: options) }
        }
    }

    @Test func boundsNesting() throws {
        let deep = [UInt8](repeating: UInt8(ascii: "["), count: 100_000)
        #expect(throws: JSONParseError.tooDeep(limit: 256, offset: 256)) { try JSONValue.parse(deep, options: .feed) }
        let objects = Array(String(repeating: "{\"a\":", count: 300).utf8)
        #expect(throws: JSONParseError.tooDeep(limit: 256, offset: 1280)) { try JSONValue.parse(objects, options: .feed) }
        let ok = Array((String(repeating: "[", count: 256) + String(repeating: "]", count: 256)).utf8)
        _ = try JSONValue.parse(ok, options: .feed)
        #expect(throws: FeedError.tooDeep(limit: 256)) { try FeedFixtures.parse(String(repeating: "{\"a\":", count: 300), .defillama) }
    }

    @Test func invalidUTF8IsReplacedNotFatal() throws {
        let bytes: [UInt8] = Array("[\"a".utf8) + [0xFF, 0xC3] + Array("b\", \"\\u00e9\\ud800x\"]".utf8)
        let value = try JSONValue.parse(bytes, options: .feed)
        #expect(value == .array([.string("a\u{FFFD}\u{FFFD}b"), .string("é\u{FFFD}x")]))
        #expect(throws: JSONParseError.invalidString(offset: 1)) { try JSONValue.parse(bytes, options: .strict) }
        let escaped: [UInt8] = Array("[\"\\n".utf8) + [0xFF] + Array("\"]".utf8)
        #expect(try JSONValue.parse(escaped, options: .feed) == .array([.string("\n\u{FFFD}")]))
        #expect(throws: JSONParseError.invalidString(offset: 1)) { try JSONValue.parse(escaped, options: .strict) }
    }

    @Test func loneHighSurrogateDoesNotSwallowTheNextEscape() throws {
        #expect(try JSONValue.parse(#""\ud800\u0041""#) == .string("\u{FFFD}A"))
        #expect(try JSONValue.parse(#""\udc00\ud83d\ude00""#) == .string("\u{FFFD}😀"))
    }

    @Test func acceptsBOMAndDuplicateKeysKeepLast() throws {
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array(" {\"k\": 1, \"k\": 2} ".utf8)
        #expect(try JSONValue.parse(bytes, options: .feed) == .object(["k": .number(2)]))
        #expect(throws: JSONParseError.unexpected(character: "\\xef", offset: 0)) { try JSONValue.parse(bytes) }
        #expect(try JSONValue.parse(Array(bytes.dropFirst(3))) == .object(["k": .number(2)]))
    }

    @Test func reportsOffset() {
        #expect(throws: JSONParseError.unexpected(character: "2", offset: 3)) {
            try JSONValue.parse(Array("[1 2]".utf8), options: .feed)
        }
        #expect(throws: FeedError.invalidJSON("invalid JSON at byte 3: unexpected character '2'")) {
            try FeedFixtures.parse("[1 2]", .defillama)
        }
        #expect(throws: FeedError.invalidJSON("invalid JSON at byte 9: unexpected end of input")) {
            try FeedFixtures.parse(#"[{"a": "x"#, .defillama)
        }
        #expect(throws: FeedError.invalidJSON("invalid JSON at byte 4: unexpected data after the document")) {
            try FeedParser.parse(Array("[1] x".utf8), config: FeedFixtures.config(.json, mapping: ["name": "/n"]))
        }
    }
}
