/// Why a JSON document could not be read; `offset` is the byte offset of the problem.
public enum JSONParseError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A byte that cannot start or continue a value here.
    case unexpected(character: String, offset: Int)
    /// The document ended inside a value.
    case unexpectedEnd
    /// Arrays/objects nested deeper than the limit (a guard against stack exhaustion).
    case tooDeep(limit: Int, offset: Int)
    /// A string holds invalid UTF-8 or a bad escape.
    case invalidString(offset: Int)
    /// A number that does not parse or does not fit a Double.
    case invalidNumber(offset: Int)
    /// Non-space bytes after the top-level value.
    case trailingData(offset: Int)

    public var description: String {
        switch self {
        case .unexpected(let c, let o): "unexpected '\(c)' at byte \(o)"
        case .unexpectedEnd: "unexpected end of document"
        case .tooDeep(let limit, let o): "nesting deeper than \(limit) at byte \(o)"
        case .invalidString(let o): "invalid string at byte \(o)"
        case .invalidNumber(let o): "invalid number at byte \(o)"
        case .trailingData(let o): "unexpected data after the document at byte \(o)"
        }
    }
}

extension JSONValue {
    /// The default nesting limit: deep enough for any real feed, shallow enough for any stack.
    public static let defaultDepthLimit = 512

    /// Parses a complete JSON document (RFC 8259). Iterative nesting is bounded by `depthLimit`,
    /// strings must be valid UTF-8, and duplicate object keys keep the last value.
    public static func parse(_ bytes: [UInt8], depthLimit: Int = defaultDepthLimit) throws(JSONParseError) -> JSONValue {
        try bytes.withUnsafeBufferPointer { buffer throws(JSONParseError) in
            var reader = JSONByteReader(bytes: buffer, depthLimit: depthLimit)
            let value = try reader.readValue(depth: 0)
            reader.skipSpace()
            guard reader.index == buffer.count else { throw .trailingData(offset: reader.index) }
            return value
        }
    }

    /// Parses UTF-8 text.
    public static func parse(_ text: String) throws(JSONParseError) -> JSONValue {
        try parse(Array(text.utf8))
    }
}

/// A recursive-descent reader over raw bytes; recursion depth is capped by `depthLimit`.
struct JSONByteReader {
    let bytes: UnsafeBufferPointer<UInt8>
    let depthLimit: Int
    var index = 0

    init(bytes: UnsafeBufferPointer<UInt8>, depthLimit: Int) {
        self.bytes = bytes
        self.depthLimit = depthLimit
    }

    mutating func skipSpace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x0A, 0x0D, 0x09: index += 1
            default: return
            }
        }
    }

    private func unexpected() -> JSONParseError {
        guard index < bytes.count else { return .unexpectedEnd }
        let byte = bytes[index]
        let shown = (0x20..<0x7F).contains(byte) ? String(UnicodeScalar(byte)) : "\\x" + String(byte, radix: 16)
        return .unexpected(character: shown, offset: index)
    }

    mutating func readValue(depth: Int) throws(JSONParseError) -> JSONValue {
        skipSpace()
        guard index < bytes.count else { throw .unexpectedEnd }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try readObject(depth: depth + 1)
        case UInt8(ascii: "["): return try readArray(depth: depth + 1)
        case UInt8(ascii: "\""): return .string(try readString())
        case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectLiteral("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try readNumber())
        default: throw unexpected()
        }
    }

    private mutating func expectLiteral(_ word: StaticString) throws(JSONParseError) {
        let count = word.utf8CodeUnitCount
        guard index + count <= bytes.count else { throw .unexpectedEnd }
        for offset in 0..<count where bytes[index + offset] != word.utf8Start[offset] {
            index += offset
            throw unexpected()
        }
        index += count
    }

    private mutating func readObject(depth: Int) throws(JSONParseError) -> JSONValue {
        guard depth <= depthLimit else { throw .tooDeep(limit: depthLimit, offset: index) }
        index += 1
        var members: [String: JSONValue] = [:]
        skipSpace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") { index += 1; return .object(members) }
        while true {
            skipSpace()
            guard index < bytes.count else { throw .unexpectedEnd }
            guard bytes[index] == UInt8(ascii: "\"") else { throw unexpected() }
            let key = try readString()
            skipSpace()
            guard index < bytes.count else { throw .unexpectedEnd }
            guard bytes[index] == UInt8(ascii: ":") else { throw unexpected() }
            index += 1
            members[key] = try readValue(depth: depth)
            skipSpace()
            guard index < bytes.count else { throw .unexpectedEnd }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            if bytes[index] == UInt8(ascii: "}") { index += 1; return .object(members) }
            throw unexpected()
        }
    }

    private mutating func readArray(depth: Int) throws(JSONParseError) -> JSONValue {
        guard depth <= depthLimit else { throw .tooDeep(limit: depthLimit, offset: index) }
        index += 1
        var elements: [JSONValue] = []
        skipSpace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") { index += 1; return .array(elements) }
        while true {
            elements.append(try readValue(depth: depth))
            skipSpace()
            guard index < bytes.count else { throw .unexpectedEnd }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            if bytes[index] == UInt8(ascii: "]") { index += 1; return .array(elements) }
            throw unexpected()
        }
    }

    private mutating func readNumber() throws(JSONParseError) -> Double {
        let start = index
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        var digits = 0
        while index < bytes.count {
            let byte = bytes[index]
            if (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) {
                digits += 1
            } else if byte != UInt8(ascii: ".") && byte != UInt8(ascii: "e") && byte != UInt8(ascii: "E")
                        && byte != UInt8(ascii: "+") && byte != UInt8(ascii: "-") {
                break
            }
            index += 1
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        guard digits > 0, let value = Double(text), value.isFinite else { throw .invalidNumber(offset: start) }
        return value
    }

    private mutating func readHex4() throws(JSONParseError) -> UInt32 {
        guard index + 4 <= bytes.count else { throw .unexpectedEnd }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let nibble: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): nibble = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): nibble = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): nibble = byte - UInt8(ascii: "A") + 10
            default: throw .invalidString(offset: index)
            }
            value = value << 4 | UInt32(nibble)
            index += 1
        }
        return value
    }

    private mutating func readString() throws(JSONParseError) -> String {
        let start = index
        index += 1
        // Fast path: no escapes — validate and decode the slice directly.
        var scan = index
        while scan < bytes.count, bytes[scan] != UInt8(ascii: "\""), bytes[scan] != UInt8(ascii: "\\") {
            guard bytes[scan] >= 0x20 else { throw .invalidString(offset: scan) }
            scan += 1
        }
        guard scan < bytes.count else { throw .unexpectedEnd }
        if bytes[scan] == UInt8(ascii: "\"") {
            let slice = UnsafeBufferPointer(rebasing: bytes[index..<scan])
            guard let text = String(validating: slice, as: UTF8.self) else { throw .invalidString(offset: start) }
            index = scan + 1
            return text
        }
        var utf8: [UInt8] = Array(UnsafeBufferPointer(rebasing: bytes[index..<scan]))
        index = scan
        while true {
            guard index < bytes.count else { throw .unexpectedEnd }
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") { index += 1; break }
            guard byte >= 0x20 else { throw .invalidString(offset: index) }
            if byte != UInt8(ascii: "\\") { utf8.append(byte); index += 1; continue }
            index += 1
            guard index < bytes.count else { throw .unexpectedEnd }
            let escape = bytes[index]
            index += 1
            switch escape {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): utf8.append(escape)
            case UInt8(ascii: "b"): utf8.append(0x08)
            case UInt8(ascii: "f"): utf8.append(0x0C)
            case UInt8(ascii: "n"): utf8.append(0x0A)
            case UInt8(ascii: "r"): utf8.append(0x0D)
            case UInt8(ascii: "t"): utf8.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try readHex4()
                if (0xD800..<0xDC00).contains(scalar) {
                    // A high surrogate must be followed by \u + low surrogate; lone ones become U+FFFD.
                    if index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") {
                        index += 2
                        let low = try readHex4()
                        scalar = (0xDC00..<0xE000).contains(low) ? 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00) : 0xFFFD
                    } else {
                        scalar = 0xFFFD
                    }
                } else if (0xDC00..<0xE000).contains(scalar) {
                    scalar = 0xFFFD
                }
                utf8.append(contentsOf: String(Character(UnicodeScalar(scalar) ?? "\u{FFFD}")).utf8)
            default:
                throw .invalidString(offset: index - 1)
            }
        }
        guard let text = String(validating: utf8, as: UTF8.self) else { throw .invalidString(offset: start) }
        return text
    }
}
