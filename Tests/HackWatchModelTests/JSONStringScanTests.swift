import Foundation
import Testing
@testable import HackWatchModel

/// The string scanner steps over 8 plain bytes at a time and the literals are compared as whole
/// words: every interesting byte (closing quote, escape, control byte, non-ASCII, invalid UTF-8)
/// is put at each offset within and across those words, through both readers (the tree and the
/// streamed records), with the results and error offsets the byte-by-byte reader gave.
@Suite struct JSONStringScanTests {
    /// Offsets 0 ..< 20 cover every position in a word, a word boundary and the short tail.
    static let offsets = Array(0..<20)

    /// The document parsed as a tree and streamed as records (`name` kept), as one comparable text.
    static func both(_ bytes: [UInt8], options: JSONParseOptions = .strict) -> (tree: String, stream: String) {
        let tree: String
        do { tree = String(reflecting: try JSONValue.parse(bytes, options: options)) } catch { tree = "error \(error)" }
        var skipped: [SkippedJSONElement] = []
        var streamed: [String] = []
        let stream: String
        do {
            _ = try JSONValue.forEachRecord(bytes, options: options, keys: ["name"], skipped: &skipped) { _, record in
                if case .object(let slots) = record { streamed.append(slots[0].map { String(reflecting: $0) } ?? "-") }
            }
            stream = streamed.joined(separator: ",")
        } catch {
            stream = "error \(error)"
        }
        return (tree, stream)
    }

    /// How `both` shows a document `[{"name": text}]` (tree) and its streamed name.
    static func expected(_ text: String) -> (tree: String, stream: String) {
        (String(reflecting: JSONValue.array([.object(["name": .string(text)])])), String(reflecting: JSONValue.string(text)))
    }

    static func record(_ content: [UInt8]) -> [UInt8] {
        Array(#"[{"name":""#.utf8) + content + Array(#""}]"#.utf8)
    }

    @Test(arguments: offsets)
    func plainStringsOfEveryLength(length: Int) {
        let text = String((0..<length).map { Character(UnicodeScalar(UInt8(0x41 + $0 % 26))) })
        let result = Self.both(Self.record(Array(text.utf8)))
        #expect(result == Self.expected(text))
    }

    @Test(arguments: offsets)
    func escapesAtEveryOffset(offset: Int) {
        let pad = String(repeating: "a", count: offset)
        let result = Self.both(Self.record(Array((pad + #"\"q\\\u00e9/\/"# + pad).utf8)))
        #expect(result == Self.expected(pad + "\"q\\é//" + pad))
    }

    @Test(arguments: offsets)
    func controlBytesAreRefusedWhereTheyAre(offset: Int) {
        for control: UInt8 in [0x00, 0x01, 0x0A, 0x1F] {
            let bytes = Self.record(Array(repeating: 0x61, count: offset) + [control] + Array(repeating: 0x62, count: 9))
            let (tree, stream) = Self.both(bytes)
            #expect(tree == "error invalid string at byte \(10 + offset)")
            #expect(stream == tree)
        }
    }

    @Test(arguments: offsets)
    func nonASCIIAtEveryOffset(offset: Int) {
        let pad = Array(repeating: UInt8(0x61), count: offset), tail = Array(repeating: UInt8(0x62), count: 9)
        let padText = String(repeating: "a", count: offset), tailText = String(repeating: "b", count: 9)
        // Valid UTF-8 is kept in both modes.
        let valid = Self.both(Self.record(pad + Array("é中😀".utf8) + tail))
        #expect(valid == Self.expected(padText + "é中😀" + tailText))
        // Invalid UTF-8: refused at the string's quote when strict, repaired for feeds.
        let invalid = Self.record(pad + [0xFF, 0xC3, 0x28] + tail)
        let strict = Self.both(invalid)
        #expect(strict.tree == "error invalid string at byte 9")
        #expect(strict.stream == strict.tree)
        let lenient = Self.both(invalid, options: .feed)
        #expect(lenient == Self.expected(padText + "\u{FFFD}\u{FFFD}(" + tailText))
    }

    @Test(arguments: offsets)
    func unterminatedStringsEndTheDocument(length: Int) {
        let bytes = Array(#"[{"name":""#.utf8) + Array(repeating: 0x61, count: length)
        let (tree, stream) = Self.both(bytes)
        #expect(tree == "error unexpected end of document")
        #expect(stream == tree)
    }

    @Test(arguments: [
        (#"[true,false,null]"#, String(reflecting: JSONValue.array([.bool(true), .bool(false), .null]))),
        (#"[tru]"#, "error unexpected ']' at byte 4"),
        (#"[nul"#, "error unexpected end of document"),
        (#"[nulx]"#, "error unexpected 'x' at byte 4"),
        (#"[fals]"#, "error unexpected ']' at byte 5"),
        (#"[falsy]"#, "error unexpected 'y' at byte 5"),
        (#"[tRue]"#, "error unexpected 'R' at byte 2"),
        (#"[nulll]"#, "error unexpected 'l' at byte 5"),
        (#"[truefalse]"#, "error unexpected 'f' at byte 5"),
        (#"fals"#, "error unexpected end of document"),
        (#"false"#, String(reflecting: JSONValue.bool(false))),
        (#"null "#, String(reflecting: JSONValue.null)),
    ] as [(String, String)])
    func literalsAsBefore(text: String, expected: String) {
        #expect(Self.both(Array(text.utf8)).tree == expected)
    }

    /// Records with more members than the matcher keeps hints for, and keys that share a
    /// prefix or a length with the requested one.
    @Test func membersPastTheHintedPositionsAndNearKeys() {
        let filler = (0..<70).map { #""k\#($0)":\#($0)"# }.joined(separator: ",")
        let text = #"[{"#+filler+#","nam":1,"names":2,"name":"late"},{"name":"first","#+filler+#"},{"#+filler+#"}]"#
        let (_, stream) = Self.both(Array(text.utf8))
        #expect(stream == ["late", "first"].map { String(reflecting: JSONValue.string($0)) }.joined(separator: ",") + ",-")
    }
}
