import HackWatchModel

/// Request bodies as bytes, written once into one buffer with the escaping done while writing
/// (issue 19): the same text as `JSONValue.serialized()` (keys sorted), without building a
/// `String` one character at a time and copying it again into the request.
extension JSONValue {
    /// Compact JSON, keys sorted: byte for byte `Array(serialized().utf8)`.
    var jsonBytes: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(1024)
        write(into: &out, htmlSafe: false)
        return out
    }

    /// As `jsonBytes`, with `<`, `>` and `&` written as `\u003c`-style escapes (as Go's
    /// encoding/json does), so a JSON body relayed into HTML or chat markup carries no live tags.
    var htmlSafeJSONBytes: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(2048)
        write(into: &out, htmlSafe: true)
        return out
    }

    /// `htmlSafeJSONBytes` as text.
    var htmlSafeJSON: String { String(decoding: htmlSafeJSONBytes, as: UTF8.self) }

    private func write(into out: inout [UInt8], htmlSafe: Bool) {
        switch self {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case .number(let n): out.append(contentsOf: Self.numberText(n).utf8)
        case .string(let s): Self.writeString(s, into: &out, htmlSafe: htmlSafe)
        case .array(let elements):
            out.append(UInt8(ascii: "["))
            for (i, element) in elements.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                element.write(into: &out, htmlSafe: htmlSafe)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            for (i, key) in members.keys.sorted().enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                Self.writeString(key, into: &out, htmlSafe: htmlSafe)
                out.append(UInt8(ascii: ":"))
                members[key]!.write(into: &out, htmlSafe: htmlSafe)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    /// As the Model's serializer: integers without a fraction, non-finite numbers as null.
    private static func numberText(_ n: Double) -> String {
        guard n.isFinite else { return "null" }
        if n == n.rounded(), abs(n) < 9_007_199_254_740_992 { return String(Int64(n)) }
        return "\(n)"
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// Quotes, backslashes, control characters and U+2028/2029 escaped as the Model's
    /// serializer does (plus `<` `>` `&` when `htmlSafe`); runs of plain bytes are copied whole.
    private static func writeString(_ s: String, into out: inout [UInt8], htmlSafe: Bool) {
        out.append(UInt8(ascii: "\""))
        var s = s
        s.withUTF8 { bytes in
            var start = 0
            var i = 0
            let n = bytes.count
            func flush() { if start < i { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<i])) } }
            while i < n {
                let byte = bytes[i]
                var escape: [UInt8]? = nil
                var width = 1
                switch byte {
                case UInt8(ascii: "\""): escape = Array(#"\""#.utf8)
                case UInt8(ascii: "\\"): escape = Array(#"\\"#.utf8)
                case 0x0A: escape = Array(#"\n"#.utf8)
                case 0x0D: escape = Array(#"\r"#.utf8)
                case 0x09: escape = Array(#"\t"#.utf8)
                case 0x00..<0x20, 0x7F: escape = unicodeEscape(UInt32(byte))
                case UInt8(ascii: "<") where htmlSafe: escape = Array(#"\u003c"#.utf8)
                case UInt8(ascii: ">") where htmlSafe: escape = Array(#"\u003e"#.utf8)
                case UInt8(ascii: "&") where htmlSafe: escape = Array(#"\u0026"#.utf8)
                case 0xE2 where i + 2 < n && bytes[i + 1] == 0x80 && (bytes[i + 2] == 0xA8 || bytes[i + 2] == 0xA9):
                    // U+2028 / U+2029: valid JSON, but line breaks to JavaScript.
                    escape = Array((bytes[i + 2] == 0xA8 ? #"\u2028"# : #"\u2029"#).utf8)
                    width = 3
                default: break
                }
                if let escape {
                    flush()
                    out.append(contentsOf: escape)
                    i += width
                    start = i
                } else {
                    i += 1
                }
            }
            flush()
        }
        out.append(UInt8(ascii: "\""))
    }

    /// `\u00XX` for a control character (lowercase hex, as the Model writes it).
    private static func unicodeEscape(_ value: UInt32) -> [UInt8] {
        [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
         hexDigits[Int(value >> 4)], hexDigits[Int(value & 0xF)]]
    }
}
