import Foundation

/// A small, fast JSON parser over raw bytes with a nesting limit, for hostile feeds.
///
/// Why not `JSONSerialization`: it recurses without a bound (a 100,000-deep `[[[[…` exhausts the
/// stack on Linux) and goes through `NSNumber`/`NSDictionary` bridging, several times slower than
/// this single pass over `[UInt8]`. Strict RFC 8259 syntax; invalid UTF-8 inside strings is
/// replaced with U+FFFD (never a crash); duplicate object keys keep the last value.
public enum JSONReader {
    /// Nesting depth allowed by default (arrays and objects together).
    public static let defaultMaxDepth = 256

    /// Why a document was refused.
    public enum Error: Swift.Error, Equatable, Sendable, CustomStringConvertible {
        /// The bytes are not JSON: what was wrong and at which byte offset.
        case syntax(offset: Int, message: String)
        /// Arrays/objects nested deeper than the limit.
        case tooDeep(limit: Int)

        public var description: String {
            switch self {
            case .syntax(let offset, let message): "invalid JSON at byte \(offset): \(message)"
            case .tooDeep(let limit): "JSON nested deeper than \(limit) levels"
            }
        }
    }

    /// Parses one JSON document (a UTF-8 BOM and surrounding whitespace are allowed).
    public static func parse(_ bytes: [UInt8], maxDepth: Int = defaultMaxDepth) throws(Error) -> JSONValue {
        let result: Result<JSONValue, Error> = bytes.withUnsafeBufferPointer { buffer in
            var cursor = Cursor(bytes: buffer, maxDepth: maxDepth)
            do throws(Error) {
                return .success(try cursor.document())
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }
}

private struct Cursor {
    let bytes: UnsafeBufferPointer<UInt8>
    let maxDepth: Int
    var index = 0
    /// Members of the last object read: records in a feed array are alike, so the next object's
    /// dictionary is sized up front instead of growing (and rehashing) several times.
    var lastObjectCount = 0

    init(bytes: UnsafeBufferPointer<UInt8>, maxDepth: Int) {
        self.bytes = bytes
        self.maxDepth = maxDepth
    }

    mutating func document() throws(JSONReader.Error) -> JSONValue {
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { index = 3 }
        let value = try self.value(depth: 0)
        skipWhitespace()
        guard index == bytes.count else { throw fail("unexpected data after the document") }
        return value
    }

    func fail(_ message: String) -> JSONReader.Error { .syntax(offset: index, message: message) }

    mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x0A, 0x0D, 0x09: index += 1
            default: return
            }
        }
    }

    mutating func value(depth: Int) throws(JSONReader.Error) -> JSONValue {
        skipWhitespace()
        guard index < bytes.count else { throw fail("unexpected end of input") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try object(depth: depth + 1)
        case UInt8(ascii: "["): return try array(depth: depth + 1)
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try number())
        default: throw fail("unexpected character '\(Self.show(bytes[index]))'")
        }
    }

    mutating func literal(_ word: StaticString) throws(JSONReader.Error) {
        let count = word.utf8CodeUnitCount
        guard index + count <= bytes.count else { throw fail("unexpected end of input") }
        for offset in 0..<count where bytes[index + offset] != word.utf8Start[offset] {
            throw fail("invalid literal")
        }
        index += count
    }

    mutating func array(depth: Int) throws(JSONReader.Error) -> JSONValue {
        guard depth <= maxDepth else { throw .tooDeep(limit: maxDepth) }
        index += 1
        var elements: [JSONValue] = []
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") { index += 1; return .array(elements) }
        while true {
            elements.append(try value(depth: depth))
            skipWhitespace()
            guard index < bytes.count else { throw fail("unterminated array") }
            let byte = bytes[index]
            index += 1
            if byte == UInt8(ascii: "]") { return .array(elements) }
            guard byte == UInt8(ascii: ",") else { index -= 1; throw fail("expected ',' or ']' in array") }
        }
    }

    mutating func object(depth: Int) throws(JSONReader.Error) -> JSONValue {
        guard depth <= maxDepth else { throw .tooDeep(limit: maxDepth) }
        index += 1
        var members = [String: JSONValue](minimumCapacity: min(lastObjectCount, 64))
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") { index += 1; return .object(members) }
        while true {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw fail("expected a string key") }
            let key = try string()
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw fail("expected ':' after key") }
            index += 1
            members[key] = try value(depth: depth)
            skipWhitespace()
            guard index < bytes.count else { throw fail("unterminated object") }
            let byte = bytes[index]
            index += 1
            if byte == UInt8(ascii: "}") {
                lastObjectCount = members.count
                return .object(members)
            }
            guard byte == UInt8(ascii: ",") else { index -= 1; throw fail("expected ',' or '}' in object") }
        }
    }

    /// A string starting at the opening quote. The common case (no escapes) decodes the slice
    /// in one go; escapes switch to building a byte buffer.
    mutating func string() throws(JSONReader.Error) -> String {
        index += 1
        let start = index
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
                index += 1
                return text
            }
            if byte == UInt8(ascii: "\\") { return try escapedString(from: start) }
            if byte < 0x20 { throw fail("control character in string") }
            index += 1
        }
        throw .syntax(offset: start - 1, message: "unterminated string")
    }

    mutating func escapedString(from start: Int) throws(JSONReader.Error) -> String {
        var buffer = Array(UnsafeBufferPointer(rebasing: bytes[start..<index]))
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            switch byte {
            case UInt8(ascii: "\""):
                return String(decoding: buffer, as: UTF8.self)
            case UInt8(ascii: "\\"):
                guard index < bytes.count else { break }
                let escape = bytes[index]
                index += 1
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): buffer.append(escape)
                case UInt8(ascii: "b"): buffer.append(0x08)
                case UInt8(ascii: "f"): buffer.append(0x0C)
                case UInt8(ascii: "n"): buffer.append(0x0A)
                case UInt8(ascii: "r"): buffer.append(0x0D)
                case UInt8(ascii: "t"): buffer.append(0x09)
                case UInt8(ascii: "u"):
                    let scalar = try unicodeEscape()
                    buffer.append(contentsOf: Array(String(Character(scalar)).utf8))
                default:
                    index -= 1
                    throw fail("invalid escape '\\\(Self.show(escape))'")
                }
            case 0..<0x20:
                index -= 1
                throw fail("control character in string")
            default:
                buffer.append(byte)
            }
        }
        throw .syntax(offset: start - 1, message: "unterminated string")
    }

    /// After `\u`: four hex digits, joining a surrogate pair when one follows; lone surrogates
    /// become U+FFFD rather than an error (feeds have them).
    mutating func unicodeEscape() throws(JSONReader.Error) -> Unicode.Scalar {
        let high = try hex4()
        if (0xD800..<0xDC00).contains(high) {
            if index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") {
                let save = index
                index += 2
                let low = try hex4()
                if (0xDC00..<0xE000).contains(low) {
                    return Unicode.Scalar(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)) ?? "\u{FFFD}"
                }
                index = save
            }
            return "\u{FFFD}"
        }
        return Unicode.Scalar(high) ?? "\u{FFFD}"
    }

    mutating func hex4() throws(JSONReader.Error) -> UInt32 {
        guard index + 4 <= bytes.count else { throw fail("truncated \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw fail("invalid hex digit in \\u escape")
            }
            value = value << 4 | UInt32(digit)
            index += 1
        }
        return value
    }

    /// RFC 8259 number grammar. Integers of up to 15 digits are accumulated exactly; anything
    /// else goes through `Double(String)` (correctly rounded).
    mutating func number() throws(JSONReader.Error) -> Double {
        let start = index
        var negative = false
        if bytes[index] == UInt8(ascii: "-") { negative = true; index += 1 }
        let intStart = index
        var mantissa: Int64 = 0
        while index < bytes.count, bytes[index] &- UInt8(ascii: "0") < 10 {
            if index - intStart < 18 { mantissa = mantissa * 10 + Int64(bytes[index] &- UInt8(ascii: "0")) }
            index += 1
        }
        let intDigits = index - intStart
        guard intDigits > 0 else { throw fail("expected a digit") }
        guard !(intDigits > 1 && bytes[intStart] == UInt8(ascii: "0")) else {
            throw .syntax(offset: intStart, message: "leading zero in number")
        }
        var simple = intDigits <= 15
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            simple = false
            index += 1
            let fracStart = index
            while index < bytes.count, bytes[index] &- UInt8(ascii: "0") < 10 { index += 1 }
            guard index > fracStart else { throw fail("expected a digit after '.'") }
        }
        if index < bytes.count, bytes[index] | 0x20 == UInt8(ascii: "e") {
            simple = false
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            let expStart = index
            while index < bytes.count, bytes[index] &- UInt8(ascii: "0") < 10 { index += 1 }
            guard index > expStart else { throw fail("expected a digit in exponent") }
        }
        if simple { return negative ? -Double(mantissa) : Double(mantissa) }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        guard let value = Double(text), value.isFinite else {
            throw .syntax(offset: start, message: "number out of range")
        }
        return value
    }

    static func show(_ byte: UInt8) -> String {
        (0x21..<0x7F).contains(byte) ? String(UnicodeScalar(byte)) : "\\x" + String(byte, radix: 16)
    }
}
