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

    /// Lowercases ASCII `A`–`Z` in place, eight bytes at a time; false (bytes partly changed)
    /// as soon as a byte is not ASCII, for the caller to take the Unicode path.
    static func foldASCIIInPlace(_ bytes: UnsafeMutablePointer<UInt8>, count: Int) -> Bool {
        var index = 0
        let raw = UnsafeMutableRawPointer(bytes)
        while index + 8 <= count {
            let word = raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            if word & 0x8080_8080_8080_8080 != 0 { return false }
            // Per byte (all < 0x80): high bit of `word + (0x80 - 'A')` says >= 'A', of
            // `word + (0x80 - 'Z' - 1)` says > 'Z'; no carries cross bytes.
            let atLeastA = word &+ 0x3F3F_3F3F_3F3F_3F3F
            let aboveZ = word &+ 0x2525_2525_2525_2525
            let upper = atLeastA & ~aboveZ & 0x8080_8080_8080_8080
            if upper != 0 { raw.storeBytes(of: word | (upper >> 2), toByteOffset: index, as: UInt64.self) }
            index += 8
        }
        while index < count {
            let byte = bytes[index]
            if byte >= 0x80 { return false }
            bytes[index] = byte &- 65 < 26 ? byte | 0x20 : byte
            index += 1
        }
        return true
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
        haystack.withUnsafeBufferPointer { contains($0, needle) }
    }

    /// Byte equality.
    @inline(__always)
    static func equal(_ a: UnsafeBufferPointer<UInt8>, _ b: [UInt8]) -> Bool {
        a.count == b.count && (a.count == 0 || b.withUnsafeBufferPointer { memcmp(a.baseAddress!, $0.baseAddress!, a.count) == 0 })
    }

    static func hasPrefix(_ text: UnsafeBufferPointer<UInt8>, _ prefix: [UInt8]) -> Bool {
        prefix.count <= text.count && equal(UnsafeBufferPointer(rebasing: text[0..<prefix.count]), prefix)
    }

    static func hasSuffix(_ text: UnsafeBufferPointer<UInt8>, _ suffix: [UInt8]) -> Bool {
        suffix.count <= text.count && equal(UnsafeBufferPointer(rebasing: text[(text.count - suffix.count)...]), suffix)
    }

    /// Substring search in a buffer.
    static func contains(_ haystack: UnsafeBufferPointer<UInt8>, _ needle: [UInt8]) -> Bool {
        let n = needle.count, h = haystack.count
        if n == 0 { return true }
        guard n <= h, let base = UnsafeRawPointer(haystack.baseAddress) else { return false }
        return needle.withUnsafeBytes { nee in
            // memchr finds candidate first bytes at memory speed; memcmp checks the rest.
            let pattern = nee.baseAddress!
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

    static func hasPrefix(_ text: [UInt8], _ prefix: [UInt8]) -> Bool {
        text.withUnsafeBufferPointer { hasPrefix($0, prefix) }
    }

    static func hasSuffix(_ text: [UInt8], _ suffix: [UInt8]) -> Bool {
        text.withUnsafeBufferPointer { hasSuffix($0, suffix) }
    }
}
