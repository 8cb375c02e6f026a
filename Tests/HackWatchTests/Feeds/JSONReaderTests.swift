import Foundation
import Testing
@testable import HackWatch

@Suite struct JSONReaderTests {
    @Test func parsesEveryKind() throws {
        let value = try JSONReader.parse(Array(#"""
        {"a": [1, -2.5, 3e2, 0, -0.0, 12345678901234567890], "b": {"c": null, "d": true, "e": false},
         "s": "x\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00", "empty": [], "o": {}}
        """#.utf8))
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
        "\"a\u{01}b\"", "\"\\x\"", "\"\\u12G4\"", "{1:2}", "nul", "[1 2]",
    ])
    func rejectsMalformed(text: String) {
        #expect(throws: JSONReader.Error.self) { try JSONReader.parse(Array(text.utf8)) }
    }

    @Test func boundsNesting() throws {
        let deep = [UInt8](repeating: UInt8(ascii: "["), count: 100_000)
        #expect(throws: JSONReader.Error.tooDeep(limit: 256)) { try JSONReader.parse(deep) }
        let objects = Array(String(repeating: "{\"a\":", count: 300).utf8)
        #expect(throws: JSONReader.Error.tooDeep(limit: 256)) { try JSONReader.parse(objects) }
        let ok = Array((String(repeating: "[", count: 256) + String(repeating: "]", count: 256)).utf8)
        _ = try JSONReader.parse(ok)
    }

    @Test func invalidUTF8IsReplacedNotFatal() throws {
        let bytes: [UInt8] = Array("[\"a".utf8) + [0xFF, 0xC3] + Array("b\", \"\\u00e9\\ud800x\"]".utf8)
        let value = try JSONReader.parse(bytes)
        #expect(value == .array([.string("a\u{FFFD}\u{FFFD}b"), .string("é\u{FFFD}x")]))
    }

    @Test func acceptsBOMAndDuplicateKeysKeepLast() throws {
        let value = try JSONReader.parse([0xEF, 0xBB, 0xBF] + Array(" {\"k\": 1, \"k\": 2} ".utf8))
        #expect(value == .object(["k": .number(2)]))
    }

    @Test func reportsOffset() {
        #expect(throws: JSONReader.Error.syntax(offset: 3, message: "expected ',' or ']' in array")) {
            try JSONReader.parse(Array("[1 2]".utf8))
        }
    }
}
