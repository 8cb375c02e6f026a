extension JSONValue {
    /// Compact JSON text. With `sortedKeys` the output is deterministic (stable hashes, diffs, tests).
    package func serialized(sortedKeys: Bool = true) -> String {
        var out = ""
        write(into: &out, sortedKeys: sortedKeys)
        return out
    }

    private func write(into out: inout String, sortedKeys: Bool) {
        switch self {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .number(let n): out += JSONValue.format(n)
        case .string(let s): JSONValue.writeString(s, into: &out)
        case .array(let elements):
            out += "["
            for (i, element) in elements.enumerated() {
                if i > 0 { out += "," }
                element.write(into: &out, sortedKeys: sortedKeys)
            }
            out += "]"
        case .object(let members):
            out += "{"
            let keys = sortedKeys ? members.keys.sorted() : Array(members.keys)
            for (i, key) in keys.enumerated() {
                if i > 0 { out += "," }
                JSONValue.writeString(key, into: &out)
                out += ":"
                members[key]!.write(into: &out, sortedKeys: sortedKeys)
            }
            out += "}"
        }
    }

    /// Integers print without a fraction; non-finite numbers (not representable in JSON) as null.
    static func format(_ n: Double) -> String {
        guard n.isFinite else { return "null" }
        if n == n.rounded(), abs(n) < 9_007_199_254_740_992 { return String(Int64(n)) }
        return "\(n)"
    }

    /// Escapes quotes, backslashes and control characters; U+2028/2029 too, for JavaScript consumers.
    static func writeString(_ s: String, into out: inout String) {
        out += "\""
        // Nearly every string needs no escape: appended whole. A scalar at a time was a third of
        // a big feed's first poll (every incident's payload is written once). 0xE2 leads
        // U+2028/2029; any string with it takes the careful path.
        if !s.utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C || $0 == 0x7F || $0 == 0xE2 }) {
            out += s
            out += "\""
            return
        }
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{2028}": out += "\\u2028"
            case "\u{2029}": out += "\\u2029"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    out += "\\u" + String(scalar.value, radix: 16).leftPadded(4)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }

    /// Member lookup on objects (nil otherwise).
    package subscript(key: String) -> JSONValue? { objectValue?[key] }
}
