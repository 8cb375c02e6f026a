/// ASCII fast paths for `SafeText` (issue 19): most feed text is plain ASCII, where one byte is
/// one character, so cleaning, the mention check and `fit` work on bytes instead of
/// `Character`s (which go through grapheme breaking, and `String.contains` through
/// Foundation). Each gives exactly the result of the general path; non-ASCII text takes that.
extension SafeText {
    /// True when every byte of `text` is ASCII.
    static func isASCII(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { bytes in bytes.allSatisfy { $0 < 0x80 } }
    }

    /// True when `clean` would keep `text` as it is: no control character but newline and tab,
    /// no DEL; ASCII only (the other removed characters are all non-ASCII).
    static func isCleanASCII(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { bytes in
            bytes.allSatisfy { $0 < 0x7F && ($0 >= 0x20 || $0 == 0x0A || $0 == 0x09) }
        }
    }

    /// Whether `text` holds `@` or the fullwidth `＠` (UTF-8 EF BC A0), on bytes.
    static func mayMention(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { bytes in
            guard !bytes.isEmpty else { return false }
            for i in 0..<bytes.count {
                if bytes[i] == 0x40 { return true }
                if bytes[i] == 0xEF, i + 2 < bytes.count, bytes[i + 1] == 0xBC, bytes[i + 2] == 0xA0 { return true }
            }
            return false
        }
    }

    /// `singleLine` for ASCII: tab, LF, VT, FF, CR become a space (CR LF, one character, one space).
    static func singleLineASCII(_ text: String) -> String {
        var text = text
        let out: [UInt8] = text.withUTF8 { bytes in
            var out: [UInt8] = []
            out.reserveCapacity(bytes.count)
            var i = 0
            while i < bytes.count {
                let byte = bytes[i]
                if byte == 0x0D, i + 1 < bytes.count, bytes[i + 1] == 0x0A {
                    out.append(0x20)
                    i += 2
                    continue
                }
                out.append((0x09...0x0D).contains(byte) ? 0x20 : byte)
                i += 1
            }
            return out
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// `fit`'s loop for cleaned, defanged ASCII `safe`: the same pieces, lengths and cut point.
    static func fitASCII(_ safe: String, limit: Int, unit: LengthUnit, escape: Escaper) -> String {
        let table = escape.asciiTable
        let ellipsis = Array("…".utf8)
        let ellipsisLength = unit == .utf8 ? 3 : 1
        var safe = safe
        let out: [UInt8]? = safe.withUTF8 { bytes in
            var result: [UInt8] = []
            result.reserveCapacity(min(bytes.count, max(0, limit)) + 16)
            var used = 0
            var cutAt: Int?
            for byte in bytes {
                let piece = table[Int(byte)]
                let pieceLength = switch unit {
                case .utf8: piece.bytes.count
                case .utf16: piece.utf16
                case .utf16Rendered: 1
                }
                if used + pieceLength > limit {
                    guard limit >= ellipsisLength else { return nil }
                    if let cut = cutAt, used + ellipsisLength > limit { result.removeSubrange(cut...) }
                    return result + ellipsis
                }
                if used + pieceLength + ellipsisLength > limit, cutAt == nil { cutAt = result.count }
                result += piece.bytes
                used += pieceLength
            }
            return result
        }
        return out.map { String(decoding: $0, as: UTF8.self) } ?? ""
    }
}

extension Escaper {
    /// Each ASCII byte's escaped form and its UTF-16 length, as `escape(_:)` gives it.
    var asciiTable: [(bytes: [UInt8], utf16: Int)] {
        switch self {
        case .none: Self.noneTable
        case .slack: Self.slackTable
        case .html: Self.htmlTable
        case .markdown: Self.markdownTable
        case .teams: Self.teamsTable
        }
    }

    private static func table(_ escaper: Escaper) -> [(bytes: [UInt8], utf16: Int)] {
        (0..<128).map { value in
            let piece = escaper.escape(Character(Unicode.Scalar(UInt8(value))))
            return (Array(piece.utf8), piece.utf16.count)
        }
    }

    private static let noneTable = table(.none)
    private static let slackTable = table(.slack)
    private static let htmlTable = table(.html)
    private static let markdownTable = table(.markdown)
    private static let teamsTable = table(.teams)
}
