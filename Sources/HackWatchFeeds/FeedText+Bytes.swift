import CLibXML2

/// Byte-level text helpers: feeds are parsed item by item, and Foundation's `range(of:)`,
/// `lowercased()` and `Character`-wise splitting dominated parse time (bench: 10 MB RSS).
/// Everything here works on UTF-8 and is exact for the ASCII needles the parsers search for.
extension FeedText {
    /// Length in bytes of the Unicode `White_Space` character starting at `i`, or 0.
    @inline(__always)
    static func whitespaceLength(_ b: UnsafeBufferPointer<UInt8>, _ i: Int) -> Int {
        let byte = b[i]
        if byte == 0x20 || (byte >= 0x09 && byte <= 0x0D) { return 1 }
        guard byte >= 0xC2, i + 1 < b.count else { return 0 }
        let next = b[i + 1]
        switch byte {
        case 0xC2: return next == 0x85 || next == 0xA0 ? 2 : 0                    // NEL, NBSP
        case 0xE1: return i + 2 < b.count && next == 0x9A && b[i + 2] == 0x80 ? 3 : 0  // U+1680
        case 0xE2:
            guard i + 2 < b.count else { return 0 }
            let last = b[i + 2]
            if next == 0x80 { return last <= 0x8A || last == 0xA8 || last == 0xA9 || last == 0xAF ? 3 : 0 }
            return next == 0x81 && last == 0x9F ? 3 : 0                              // U+205F
        case 0xE3: return i + 2 < b.count && next == 0x80 && b[i + 2] == 0x80 ? 3 : 0  // U+3000
        default: return 0
        }
    }

    /// Whitespace runs (including NBSP) become one space; ends trimmed. With `lowercasingASCII`
    /// ASCII letters are lowercased in the same pass.
    static func collapse(_ text: String, lowercasingASCII: Bool = false) -> String {
        var text = text
        if !lowercasingASCII, isCollapsed(&text) { return text }
        return text.withUTF8 { b in
            var out: [UInt8] = []
            out.reserveCapacity(b.count)
            var pendingSpace = false
            var i = 0
            while i < b.count {
                let length = whitespaceLength(b, i)
                if length > 0 {
                    pendingSpace = !out.isEmpty
                    i += length
                    continue
                }
                if pendingSpace { out.append(0x20); pendingSpace = false }
                let byte = b[i]
                out.append(lowercasingASCII && byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte)
                i += 1
            }
            return String(decoding: out, as: UTF8.self)
        }
    }

    /// True when `collapse` would return `text` unchanged: no whitespace but single spaces
    /// between other characters (most field texts, already collapsed by the XML reader).
    static func isCollapsed(_ text: inout String) -> Bool {
        text.withUTF8 { b in
            var i = 0
            while i < b.count {
                let byte = b[i]
                if byte > 0x20 && byte < 0x80 { i += 1; continue }
                if byte == 0x20 {
                    if i == 0 || i == b.count - 1 || b[i + 1] == 0x20 { return false }
                    i += 1
                    continue
                }
                if whitespaceLength(b, i) > 0 { return false }
                i += 1
            }
            return true
        }
    }

    /// `text` without leading and trailing whitespace (returns `text` itself when there is none).
    static func trimmed(_ text: String) -> String {
        var copy = text
        let range = copy.withUTF8(trimmedRange)
        if range.lowerBound == 0 && range.upperBound == text.utf8.count { return text }
        let utf8 = text.utf8
        return String(decoding: utf8[utf8.index(utf8.startIndex, offsetBy: range.lowerBound)..<utf8.index(utf8.startIndex, offsetBy: range.upperBound)], as: UTF8.self)
    }

    /// The offsets of `b` without leading and trailing Unicode whitespace. On bytes that are not
    /// all valid UTF-8 it trims what decoding first and trimming then would: whitespace's lead
    /// bytes are never continuation bytes, so an invalid sequence cannot swallow them.
    static func trimmedRange(_ b: UnsafeBufferPointer<UInt8>) -> Range<Int> {
        var start = 0, end = b.count
        while start < end {
            let length = whitespaceLength(b, start)
            guard length > 0 else { break }
            start += length
        }
        // Back up over trailing whitespace: try each possible encoded length.
        backing: while end > start {
            for length in 1...3 where end - length >= start && whitespaceLength(b, end - length) == length {
                end -= length
                continue backing
            }
            break
        }
        return start..<end
    }

    /// The UTF-8 of `text` with ASCII letters lowercased (other bytes unchanged, so offsets match).
    static func asciiLowercased(_ text: String) -> [UInt8] {
        // One loop over the contiguous bytes (`utf8.map` went through the generic collection
        // path at ≈ 9,000 instructions per RSS item).
        var text = text
        return text.withUTF8 { b in
            [UInt8](unsafeUninitializedCapacity: b.count) { out, count in
                for i in 0..<b.count {
                    let byte = b[i]
                    out[i] = byte &- 0x41 < 26 ? byte | 0x20 : byte
                }
                count = b.count
            }
        }
    }

    /// The first offset at or after `from` where `needle` occurs in `haystack`.
    static func find(_ needle: [UInt8], in haystack: [UInt8], from: Int = 0) -> Int? {
        guard !needle.isEmpty, from >= 0, needle.count <= haystack.count - min(from, haystack.count) else { return nil }
        // glibc's memmem: a byte loop here was most of the attribution and "rekt" searches
        // (nine needles over every item's text).
        let found = haystack.withUnsafeBytes { h in
            needle.withUnsafeBytes { n in hw_find(h.baseAddress! + from, h.count - from, n.baseAddress!, n.count) }
        }
        return found < 0 ? nil : from + found
    }

    static func contains(_ needle: String, in lowercased: [UInt8]) -> Bool {
        find(Array(needle.utf8), in: lowercased) != nil
    }
}

extension [UInt8] {
    /// Appends the UTF-8 of `text` in one copy (`+= text.utf8` goes byte by byte through the
    /// generic sequence path: a third of building a DefiLlama record's title and summary).
    mutating func appendUTF8(_ text: String) {
        var text = text
        text.withUTF8 { append(contentsOf: $0) }
    }
}
