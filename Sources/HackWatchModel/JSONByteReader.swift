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

    @inline(__always)
    mutating func skipWhitespace() {
        // Compact JSON (feeds are) has none: one test, not a loop, in the common case.
        if index < bytes.count, bytes[index] > 0x20 { return }
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

    mutating func literal(_ word: StaticString) throws(JSONParseError) {
        let count = word.utf8CodeUnitCount
        // The whole word compared as one or two loads; a mismatch is located by the loop below.
        if index + count <= bytes.count, let base = bytes.baseAddress, count >= 4, count <= 8 {
            let head = UnsafeRawPointer(base + index).loadUnaligned(as: UInt32.self)
            let tail = UnsafeRawPointer(base + index + count - 4).loadUnaligned(as: UInt32.self)
            let wordHead = UnsafeRawPointer(word.utf8Start).loadUnaligned(as: UInt32.self)
            let wordTail = UnsafeRawPointer(word.utf8Start + count - 4).loadUnaligned(as: UInt32.self)
            if head == wordHead, tail == wordTail {
                index += count
                return
            }
        }
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
    /// in one go; escapes are decoded in a second pass over the checked bytes.
    mutating func string() throws(JSONParseError) -> String {
        let quote = index
        let escaped = try scanString(checkingUTF8: false)
        let content = quote + 1..<index - 1
        if !escaped { return try text(UnsafeBufferPointer(rebasing: bytes[content]), quote: quote) }
        return try text(unescaped(content), quote: quote)
    }

    /// Moves past the string starting at the opening quote, checking it as `string()` reads it
    /// (escapes, control characters and, with `checkingUTF8` and `.reject`, its UTF-8) without
    /// building it; true when it holds an escape. Its content is `quote + 1 ..< index - 1`.
    mutating func scanString(checkingUTF8: Bool) throws(JSONParseError) -> Bool {
        let quote = index
        index += 1
        var escaped = false
        while index < bytes.count {
            // Eight plain bytes at a time (`plainWordEnd`): most strings are ASCII without
            // escapes, so the byte-by-byte checks below run only around the interesting bytes.
            index = plainWordEnd(from: index)
            guard index < bytes.count else { break }
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                index += 1
                if checkingUTF8, options.invalidUTF8 == .reject,
                   String(validating: UnsafeBufferPointer(rebasing: bytes[quote + 1..<index - 1]), as: UTF8.self) == nil {
                    throw .invalidString(offset: quote)
                }
                return escaped
            }
            if byte == UInt8(ascii: "\\") {
                escaped = true
                index += 1
                guard index < bytes.count else { throw .unexpectedEnd }
                switch bytes[index] {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                     UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    index += 1
                case UInt8(ascii: "u"):
                    index += 1
                    _ = try hex4()
                default:
                    throw .invalidString(offset: index)
                }
                continue
            }
            guard byte >= 0x20 else { throw .invalidString(offset: index) }
            index += 1
        }
        throw .unexpectedEnd
    }

    /// The offset of the first byte at or after `start` that `scanString` must look at (a quote,
    /// a backslash, a control byte or a non-ASCII byte), found 8 bytes at a time; when fewer
    /// than 8 bytes are left without one, where they begin (the caller reads those one by one).
    @inline(__always)
    func plainWordEnd(from start: Int) -> Int {
        guard let base = bytes.baseAddress else { return start }
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        var offset = start
        while offset + 8 <= bytes.count {
            let word = UnsafeRawPointer(base + offset).loadUnaligned(as: UInt64.self)
            // Per byte, the high bit of `(x - 1) & ~x` is set where x is 0 (exact for "any byte"),
            // so: a quote, a backslash, a control byte (< 0x20), or any non-ASCII byte.
            let quotes = word ^ (ones &* 0x22), backslashes = word ^ (ones &* 0x5C)
            let special = ((quotes &- ones) & ~quotes) | ((backslashes &- ones) & ~backslashes)
                | ((word &- ones &* 0x20) & ~word) | word
            // The lowest flagged byte is exact (a borrow only ever flags bytes above a real hit).
            if case let flagged = special & highs, flagged != 0 { return offset + flagged.trailingZeroBitCount / 8 }
            offset += 8
        }
        return offset
    }

    /// The bytes of string content that `scanString` accepted, escapes decoded. A high surrogate
    /// escape followed by a low one is joined; lone surrogates become U+FFFD (feeds have them),
    /// and an escape after a lone high surrogate is read on its own.
    func unescaped(_ content: Range<Int>) -> [UInt8] {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(content.count)
        var i = content.lowerBound
        while i < content.upperBound {
            let byte = bytes[i]
            guard byte == UInt8(ascii: "\\") else {
                buffer.append(byte)
                i += 1
                continue
            }
            let escape = bytes[i + 1]
            i += 2
            switch escape {
            case UInt8(ascii: "b"): buffer.append(0x08)
            case UInt8(ascii: "f"): buffer.append(0x0C)
            case UInt8(ascii: "n"): buffer.append(0x0A)
            case UInt8(ascii: "r"): buffer.append(0x0D)
            case UInt8(ascii: "t"): buffer.append(0x09)
            case UInt8(ascii: "u"):
                let high = checkedHex4(at: i)
                i += 4
                var scalar = Unicode.Scalar(high) ?? "\u{FFFD}"
                if (0xD800..<0xDC00).contains(high) {
                    scalar = "\u{FFFD}"
                    if i + 6 <= content.upperBound, bytes[i] == UInt8(ascii: "\\"), bytes[i + 1] == UInt8(ascii: "u") {
                        let low = checkedHex4(at: i + 2)
                        if (0xDC00..<0xE000).contains(low) {
                            scalar = Unicode.Scalar(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)) ?? "\u{FFFD}"
                            i += 6
                        }
                    }
                }
                UTF8.encode(scalar) { buffer.append($0) }
            default: buffer.append(escape)  // `"`, `\`, `/`: the only others `scanString` lets through
            }
        }
        return buffer
    }

    /// Four hex digits `scanString` already checked.
    private func checkedHex4(at start: Int) -> UInt32 {
        var value: UInt32 = 0
        for byte in UnsafeBufferPointer(rebasing: bytes[start..<start + 4]) {
            let digit = byte <= UInt8(ascii: "9") ? byte &- UInt8(ascii: "0") : (byte | 0x20) &- UInt8(ascii: "a") &+ 10
            value = value << 4 | UInt32(digit)
        }
        return value
    }

    /// Four hex digits at `index` (after `\u`), moving past them.
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
    mutating func number() throws(JSONParseError) -> Double {
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
