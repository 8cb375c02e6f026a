/// The single-pass reader behind `JSONValue.parse`: recursive descent over raw bytes, recursion
/// bounded by `options.depthLimit`.
struct JSONByteReader {
    let bytes: UnsafeBufferPointer<UInt8>
    let options: JSONParseOptions
    var index = 0
    /// Members of the last object read: records in a feed array are alike, so the next object's
    /// dictionary is sized up front instead of growing (and rehashing) several times.
    var lastObjectCount = 0
    /// `parseRecords`: elements of an outermost array that fail on their own become `null`.
    var recoversRecords = false
    /// Elements so replaced.
    var skipped: [SkippedJSONElement] = []
    /// Arrays open around the current position.
    var openArrays = 0

    init(bytes: UnsafeBufferPointer<UInt8>, options: JSONParseOptions) {
        self.bytes = bytes
        self.options = options
    }

    /// The whole document: optional byte order mark, one value, then only whitespace.
    mutating func document() throws(JSONParseError) -> JSONValue {
        if options.allowsByteOrderMark, bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF {
            index = 3
        }
        let value = try self.value(depth: 0)
        skipWhitespace()
        guard index == bytes.count else { throw .trailingData(offset: index) }
        return value
    }

    mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x0A, 0x0D, 0x09: index += 1
            default: return
            }
        }
    }

    /// The byte at `index` is wrong here (or the input ended).
    func unexpected() -> JSONParseError {
        guard index < bytes.count else { return .unexpectedEnd }
        let byte = bytes[index]
        let shown = (0x20..<0x7F).contains(byte) ? String(UnicodeScalar(byte)) : "\\x" + String(byte, radix: 16)
        return .unexpected(character: shown, offset: index)
    }

    mutating func value(depth: Int) throws(JSONParseError) -> JSONValue {
        skipWhitespace()
        guard index < bytes.count else { throw .unexpectedEnd }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try object(depth: depth + 1)
        case UInt8(ascii: "["): return try array(depth: depth + 1)
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try number())
        default: throw unexpected()
        }
    }

    private mutating func literal(_ word: StaticString) throws(JSONParseError) {
        let count = word.utf8CodeUnitCount
        guard index + count <= bytes.count else { throw .unexpectedEnd }
        for offset in 0..<count where bytes[index + offset] != word.utf8Start[offset] {
            index += offset
            throw unexpected()
        }
        index += count
    }

    private mutating func array(depth: Int) throws(JSONParseError) -> JSONValue {
        guard depth <= options.depthLimit else { throw .tooDeep(limit: options.depthLimit, offset: index) }
        index += 1
        var elements: [JSONValue] = []
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") { index += 1; return .array(elements) }
        let recovering = recoversRecords && openArrays == 0
        openArrays += 1
        defer { openArrays -= 1 }
        while true {
            if recovering {
                skipWhitespace()
                let start = index
                do throws(JSONParseError) {
                    elements.append(try value(depth: depth))
                } catch {
                    switch error {
                    case .numberOutOfRange, .tooDeep:
                        // Resume after this element; if it cannot be delimited the document is broken.
                        index = start
                        guard skipValue() else { throw error }
                        skipped.append(SkippedJSONElement(index: elements.count, reason: error.description))
                        elements.append(.null)
                    default: throw error
                    }
                }
            } else {
                elements.append(try value(depth: depth))
            }
            skipWhitespace()
            guard index < bytes.count else { throw .unexpectedEnd }
            let byte = bytes[index]
            if byte == UInt8(ascii: ",") { index += 1; continue }
            if byte == UInt8(ascii: "]") { index += 1; return .array(elements) }
            throw unexpected()
        }
    }

    private mutating func object(depth: Int) throws(JSONParseError) -> JSONValue {
        guard depth <= options.depthLimit else { throw .tooDeep(limit: options.depthLimit, offset: index) }
        index += 1
        var members = [String: JSONValue](minimumCapacity: min(lastObjectCount, 64))
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") { index += 1; return .object(members) }
        while true {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw unexpected() }
            let key = try string()
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw unexpected() }
            index += 1
            members[key] = try value(depth: depth)
            skipWhitespace()
            guard index < bytes.count else { throw .unexpectedEnd }
            let byte = bytes[index]
            if byte == UInt8(ascii: ",") { index += 1; continue }
            if byte == UInt8(ascii: "}") {
                index += 1
                lastObjectCount = members.count
                return .object(members)
            }
            throw unexpected()
        }
    }

    /// Decodes string bytes per `options.invalidUTF8`; `quote` is where the string began.
    private func text<C: Collection<UInt8>>(_ utf8: C, quote: Int) throws(JSONParseError) -> String {
        switch options.invalidUTF8 {
        case .replace: return String(decoding: utf8, as: UTF8.self)
        case .reject:
            guard let text = String(validating: utf8, as: UTF8.self) else { throw .invalidString(offset: quote) }
            return text
        }
    }

    /// A string starting at the opening quote. The common case (no escapes) decodes the slice
    /// in one go; escapes switch to building a byte buffer.
    mutating func string() throws(JSONParseError) -> String {
        let quote = index
        index += 1
        let start = index
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                let text = try text(UnsafeBufferPointer(rebasing: bytes[start..<index]), quote: quote)
                index += 1
                return text
            }
            if byte == UInt8(ascii: "\\") { return try escapedString(from: start) }
            guard byte >= 0x20 else { throw .invalidString(offset: index) }
            index += 1
        }
        throw .unexpectedEnd
    }

    private mutating func escapedString(from start: Int) throws(JSONParseError) -> String {
        var buffer = Array(UnsafeBufferPointer(rebasing: bytes[start..<index]))
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                return try text(buffer, quote: start - 1)
            case UInt8(ascii: "\\"):
                index += 1
                guard index < bytes.count else { throw .unexpectedEnd }
                let escape = bytes[index]
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): buffer.append(escape)
                case UInt8(ascii: "b"): buffer.append(0x08)
                case UInt8(ascii: "f"): buffer.append(0x0C)
                case UInt8(ascii: "n"): buffer.append(0x0A)
                case UInt8(ascii: "r"): buffer.append(0x0D)
                case UInt8(ascii: "t"): buffer.append(0x09)
                case UInt8(ascii: "u"):
                    index += 1
                    UTF8.encode(try unicodeEscape()) { buffer.append($0) }
                    continue
                default:
                    throw .invalidString(offset: index)
                }
                index += 1
            case 0..<0x20:
                throw .invalidString(offset: index)
            default:
                buffer.append(byte)
                index += 1
            }
        }
        throw .unexpectedEnd
    }

    /// After `\u`: four hex digits, joining a surrogate pair when one follows; lone surrogates
    /// become U+FFFD rather than an error (feeds have them), and an escape after a lone high
    /// surrogate is read on its own.
    private mutating func unicodeEscape() throws(JSONParseError) -> Unicode.Scalar {
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

    private mutating func hex4() throws(JSONParseError) -> UInt32 {
        guard index + 4 <= bytes.count else { throw .unexpectedEnd }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw .invalidString(offset: index)
            }
            value = value << 4 | UInt32(digit)
            index += 1
        }
        return value
    }

    /// RFC 8259 number grammar (no leading zeros, digits after '.' and in the exponent). Integers
    /// of up to 15 digits are accumulated exactly; anything else goes through `Double(String)`
    /// (correctly rounded). Every problem is reported at the number's first byte.
    private mutating func number() throws(JSONParseError) -> Double {
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
        guard intDigits > 0, !(intDigits > 1 && bytes[intStart] == UInt8(ascii: "0")) else {
            throw .invalidNumber(offset: start)
        }
        var simple = intDigits <= 15
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            simple = false
            index += 1
            let fracStart = index
            while index < bytes.count, bytes[index] &- UInt8(ascii: "0") < 10 { index += 1 }
            guard index > fracStart else { throw .invalidNumber(offset: start) }
        }
        if index < bytes.count, bytes[index] | 0x20 == UInt8(ascii: "e") {
            simple = false
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            let expStart = index
            while index < bytes.count, bytes[index] &- UInt8(ascii: "0") < 10 { index += 1 }
            guard index > expStart else { throw .invalidNumber(offset: start) }
        }
        if simple { return negative ? -Double(mantissa) : Double(mantissa) }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        guard let value = Double(text) else { throw .invalidNumber(offset: start) }
        guard value.isFinite else { throw .numberOutOfRange(offset: start) }
        return value
    }

    /// Moves `index` past one value without building it (brackets counted, strings and their
    /// escapes stepped over, no recursion, so depth costs nothing). False when the value does not
    /// end (unbalanced, or the input ends first).
    mutating func skipValue() -> Bool {
        var depth = 0
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                while index < bytes.count, bytes[index] != UInt8(ascii: "\"") {
                    index += bytes[index] == UInt8(ascii: "\\") ? 2 : 1
                }
                guard index < bytes.count else { return false }
                index += 1
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
                index += 1
            case UInt8(ascii: "]"), UInt8(ascii: "}"):
                guard depth > 0 else { return true }  // the enclosing array's end: a scalar ended
                depth -= 1
                index += 1
            case UInt8(ascii: ","):
                if depth == 0 { return true }
                index += 1
            default:
                index += 1
            }
            if depth == 0, byte == UInt8(ascii: "]") || byte == UInt8(ascii: "}") { return true }
        }
        return false
    }
}
