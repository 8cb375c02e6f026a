/// Plain text from feed markup: tags stripped, HTML entities decoded, whitespace collapsed.
enum FeedText {
    /// Longest title kept (hostile feeds); longer ones are cut with "…".
    static let maxTitle = 300
    /// Longest summary kept.
    static let maxSummary = 2000

    /// Removes tags (`<…>` that start with a letter, `/`, `!` or `?`), drops `<script>`/`<style>`
    /// content, decodes HTML entities and collapses whitespace. A lone `<` (as in `a < b`) stays.
    static func stripHTML(_ html: String) -> String {
        let b = Array(html.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(b.count)
        var i = 0
        while i < b.count {
            let byte = b[i]
            guard byte == UInt8(ascii: "<"), i + 1 < b.count, isTagStart(b[i + 1]) else {
                out.append(byte)
                i += 1
                continue
            }
            let closing = b[i + 1] == UInt8(ascii: "/")
            var nameEnd = closing ? i + 2 : i + 1
            let nameStart = nameEnd
            while nameEnd < b.count, nameEnd - nameStart < 8, b[nameEnd] | 0x20 >= UInt8(ascii: "a"), b[nameEnd] | 0x20 <= UInt8(ascii: "z") {
                nameEnd += 1
            }
            let name = String(decoding: b[nameStart..<nameEnd], as: UTF8.self).lowercased()
            var end = nameEnd
            while end < b.count, b[end] != UInt8(ascii: ">") { end += 1 }
            // Block tags separate words ("<p>a</p><p>b</p>" → "a b"); inline ones do not ("<b>Korea</b>'s").
            if !inlineTags.contains(name) { out.append(0x20) }
            i = min(end + 1, b.count)
            if !closing, name == "script" || name == "style" {
                // Skip to the matching close tag: its text is code, not prose.
                let close = Array("</\(name)".utf8)
                while i + close.count <= b.count,
                      !zip(b[i..<(i + close.count)], close).allSatisfy({ $0 | 0x20 == $1 | 0x20 }) { i += 1 }
                if i + close.count > b.count { i = b.count }
            }
        }
        return collapse(decodeEntities(String(decoding: out, as: UTF8.self)))
    }

    static let inlineTags: Set<String> = ["a", "b", "i", "em", "strong", "span", "code", "sup", "sub", "u", "small", "mark", "abbr"]

    private static func isTagStart(_ byte: UInt8) -> Bool {
        (byte | 0x20 >= UInt8(ascii: "a") && byte | 0x20 <= UInt8(ascii: "z"))
            || byte == UInt8(ascii: "/") || byte == UInt8(ascii: "!") || byte == UInt8(ascii: "?")
    }

    /// Cuts `text` to `limit` characters, marking the cut with "…".
    static func capped(_ text: String, _ limit: Int) -> String {
        text.count <= limit ? text : String(text.prefix(limit - 1)) + "…"
    }

    /// HTML entities feeds use (a fixed table, never a DTD) plus numeric references; unknown
    /// names stay as written.
    static let entities: [String: String] = [
        "amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "nbsp": "\u{A0}",
        "hellip": "…", "mdash": "—", "ndash": "–", "rsquo": "’", "lsquo": "‘", "rdquo": "”",
        "ldquo": "“", "laquo": "«", "raquo": "»", "bull": "•", "middot": "·", "copy": "©",
        "reg": "®", "trade": "™", "euro": "€", "pound": "£", "yen": "¥", "cent": "¢", "deg": "°",
        "times": "×", "shy": "", "zwj": "", "zwnj": "", "thinsp": " ", "ensp": " ", "emsp": " ",
    ]

    static func decodeEntities(_ text: String) -> String {
        guard text.utf8.contains(UInt8(ascii: "&")) else { return text }
        let b = Array(text.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(b.count)
        var i = 0
        while i < b.count {
            if b[i] == UInt8(ascii: "&"), let semi = b[(i + 1)..<min(b.count, i + 11)].firstIndex(of: UInt8(ascii: ";")) {
                let name = String(decoding: b[(i + 1)..<semi], as: UTF8.self)
                if let replacement = entities[name] ?? numeric(name) {
                    out.append(contentsOf: replacement.utf8)
                    i = semi + 1
                    continue
                }
            }
            out.append(b[i])
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func numeric(_ name: String) -> String? {
        guard name.hasPrefix("#"), let scalar = XMLTokenizer.predefined(name) else { return nil }
        return String(scalar)
    }
}
