import Foundation

/// Case folding for string comparisons (RULES.md §3: strings compare case-insensitively).
enum CaseFold {
    /// Folded UTF-8: ASCII fast path, otherwise Unicode lowercase mapping plus the full folds
    /// lowercase lacks (ß → ss, ẞ → ss, ς → σ, ſ → s), so `STRASSE` equals `straße`.
    static func fold(_ text: String) -> [UInt8] {
        var text = text
        return text.withUTF8 { source in
            var ascii = true
            let out = [UInt8](unsafeUninitializedCapacity: source.count) { buffer, count in
                for index in 0..<source.count {
                    let byte = source[index]
                    if byte >= 0x80 { ascii = false; break }
                    buffer[index] = byte &- 65 < 26 ? byte | 0x20 : byte
                }
                count = ascii ? source.count : 0
            }
            return ascii ? out : Array(foldUnicode(String(decoding: source, as: UTF8.self)).utf8)
        }
    }

    static func foldUnicode(_ text: String) -> String {
        var result = ""
        for scalar in text.lowercased().unicodeScalars {
            switch scalar {
            case "ß": result += "ss"
            case "ς": result += "σ"
            case "ſ": result += "s"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// Substring search on UTF-8 (valid UTF-8 only matches on scalar boundaries).
    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        let n = needle.count, h = haystack.count
        if n == 0 { return true }
        guard n <= h else { return false }
        return haystack.withUnsafeBytes { hay in
            needle.withUnsafeBytes { nee in
                // memchr finds candidate first bytes at memory speed; memcmp checks the rest.
                let base = hay.baseAddress!, pattern = nee.baseAddress!
                let first = Int32(nee[0])
                var offset = 0
                let last = h - n
                while offset <= last {
                    guard let hit = memchr(base + offset, first, last - offset + 1) else { return false }
                    let at = base.distance(to: UnsafeRawPointer(hit))
                    if memcmp(base + at, pattern, n) == 0 { return true }
                    offset = at + 1
                }
                return false
            }
        }
    }

    static func hasPrefix(_ text: [UInt8], _ prefix: [UInt8]) -> Bool {
        prefix.count <= text.count && text[0..<prefix.count].elementsEqual(prefix)
    }

    static func hasSuffix(_ text: [UInt8], _ suffix: [UInt8]) -> Bool {
        suffix.count <= text.count && text[(text.count - suffix.count)...].elementsEqual(suffix)
    }
}
