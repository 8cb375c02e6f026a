/// Reading a value without building it: the same grammar, limits and errors (at the same
/// offsets) as `value(depth:)`, so members a record does not keep cost no allocation, and the
/// members it keeps are located (`JSONField`) and decoded only when asked for.
extension JSONByteReader {
    /// Moves past one value, checking it exactly as `value(depth:)` would read it.
    mutating func checkValue(depth: Int) throws(JSONParseError) {
        _ = try field(depth: depth)
    }

    /// The value at `index` (after whitespace), checked and located: scalars are read (a number
    /// to its `Double`), strings and containers only delimited.
    mutating func field(depth: Int) throws(JSONParseError) -> JSONField {
        skipWhitespace()
        guard index < bytes.count else { throw .unexpectedEnd }
        let start = index
        switch bytes[index] {
        case UInt8(ascii: "\""):
            let escaped = try scanString(checkingUTF8: true)
            return JSONField(kind: .string, start: start + 1, end: index - 1, escaped: escaped)
        case UInt8(ascii: "{"):
            try checkObject(depth: depth + 1)
            return JSONField(kind: .object, start: start, end: index)
        case UInt8(ascii: "["):
            try checkArray(depth: depth + 1)
            return JSONField(kind: .array, start: start, end: index)
        case UInt8(ascii: "t"): try literal("true"); return JSONField(kind: .bool, number: 1)
        case UInt8(ascii: "f"): try literal("false"); return JSONField(kind: .bool, number: 0)
        case UInt8(ascii: "n"): try literal("null"); return JSONField(kind: .null)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return JSONField(kind: .number, number: try number())
        default: throw unexpected()
        }
    }

    private mutating func checkArray(depth: Int) throws(JSONParseError) {
        guard depth <= options.depthLimit else { throw .tooDeep(limit: options.depthLimit, offset: index) }
        index += 1
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") { index += 1; return }
        while true {
            try checkValue(depth: depth)
            guard try endOfElement(closing: UInt8(ascii: "]")) else { return }
        }
    }

    private mutating func checkObject(depth: Int) throws(JSONParseError) {
        guard depth <= options.depthLimit else { throw .tooDeep(limit: options.depthLimit, offset: index) }
        index += 1
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") { index += 1; return }
        while true {
            try memberName()
            try checkValue(depth: depth)
            guard try endOfElement(closing: UInt8(ascii: "}")) else { return }
        }
    }

    /// Past a member's name and its colon: where the name's content is and whether it holds an
    /// escape (`unescaped(_:)` decodes it).
    @discardableResult
    mutating func memberName() throws(JSONParseError) -> (content: Range<Int>, escaped: Bool) {
        skipWhitespace()
        guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw unexpected() }
        let quote = index
        let escaped = try scanString(checkingUTF8: true)
        let content = quote + 1..<index - 1
        skipWhitespace()
        guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw unexpected() }
        index += 1
        return (content, escaped)
    }

    /// After an element or member: past a comma (true: another follows) or the closing bracket
    /// (false); anything else is an error.
    mutating func endOfElement(closing: UInt8) throws(JSONParseError) -> Bool {
        skipWhitespace()
        guard index < bytes.count else { throw .unexpectedEnd }
        let byte = bytes[index]
        index += 1
        if byte == UInt8(ascii: ",") { return true }
        if byte == closing { return false }
        index -= 1
        throw unexpected()
    }
}

/// One value of a record located in the document's bytes, not yet decoded (see
/// `JSONValue.forEachRecordFields`). Strings and containers are decoded through `JSONFields`.
package struct JSONField: Sendable, Equatable {
    /// The value's JSON type, or `absent` for a member the record does not have.
    package enum Kind: UInt8, Sendable {
        case absent, null, bool, number, string, array, object
    }

    package var kind: Kind = .absent
    /// A string's first content byte (after the quote); a container's opening bracket.
    var start = 0
    /// A string's closing quote; one past a container's closing bracket.
    var end = 0
    /// A string holding at least one backslash escape.
    var escaped = false
    /// A number's value; 1 or 0 for a boolean.
    package var number: Double = 0

    /// The boolean, when `kind` is `bool`.
    package var bool: Bool { number != 0 }

    /// Absent or `null`.
    package var isNull: Bool { kind == .absent || kind == .null }

    /// The JSON type's name, as `JSONValue.typeName` gives it.
    package var typeName: String {
        switch kind {
        case .absent, .null: "null"
        case .bool: "boolean"
        case .number: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }
}
