import CLibXML2

/// Plain text from feed markup, through libxml2's HTML parser: the full HTML entity set,
/// comments, `<script>`/`<style>` dropped, block elements separated by whitespace.
enum FeedText {
    /// Longest title kept (hostile feeds); longer ones are cut with "…".
    static let maxTitle = 300
    /// Longest summary kept.
    static let maxSummary = 2000

    /// The text of an HTML fragment, whitespace collapsed. Text without `<` is not parsed: only
    /// its references are decoded (most titles and categories: no parser is started for them).
    static func stripHTML(_ html: String) -> String {
        var html = html
        return html.withUTF8 { bytes -> String in
            guard bytes.contains(UInt8(ascii: "<")) else {
                return collapse(bytes.contains(UInt8(ascii: "&")) ? decodeReferences(String(decoding: bytes, as: UTF8.self)) : String(decoding: bytes, as: UTF8.self))
            }
            var length: Int32 = 0
            let text = bytes.withMemoryRebound(to: CChar.self) { hw_html_text($0.baseAddress, Int32($0.count), &length) }
            guard let text else { return "" }
            defer { hw_free(text) }
            return collapse(String(decoding: UnsafeRawBufferPointer(start: text, count: Int(length)), as: UTF8.self))
        }
    }

    /// What `hw_field_text`'s parser-free path makes of an HTML fragment (collapsed), or nil when
    /// the fragment is left to the parser. Tests hold it to `stripHTML` on generated fragments.
    static func fastHTMLText(_ html: String) -> String? {
        var html = html
        return html.withUTF8 { bytes -> String? in
            var length: Int32 = 0
            let text = bytes.withMemoryRebound(to: CChar.self) { hw_html_fast_text($0.baseAddress, Int32($0.count), &length) }
            guard let text else { return nil }
            defer { hw_free(text) }
            return collapse(String(decoding: UnsafeRawBufferPointer(start: text, count: Int(length)), as: UTF8.self))
        }
    }

    /// HTML character references (`&eacute;`, `&#233;`, `&#xE9;`) decoded as the HTML parser
    /// would; anything else (`AT&T`, `&unknown;`) stays as written.
    static func decodeReferences(_ text: String) -> String {
        var out = ""
        var rest = Substring(text)
        while let amp = rest.firstIndex(of: "&") {
            out += rest[..<amp]
            let after = rest[rest.index(after: amp)...]
            if let semi = after.prefix(32).firstIndex(of: ";"), let scalar = referenced(String(after[..<semi])) {
                out.unicodeScalars.append(scalar)
                rest = after[after.index(after: semi)...]
                continue
            }
            out += "&"
            rest = after
        }
        return out + rest
    }

    /// The character `name` (between `&` and `;`) stands for; invalid code points give U+FFFD.
    private static func referenced(_ name: String) -> Unicode.Scalar? {
        if name.hasPrefix("#") {
            let digits = name.dropFirst()
            let value = digits.first == "x" || digits.first == "X" ? UInt32(digits.dropFirst(), radix: 16) : UInt32(digits)
            guard let value else { return nil }
            return value == 0 ? "\u{FFFD}" : Unicode.Scalar(value) ?? "\u{FFFD}"
        }
        let value = hw_html_entity(name)
        return value == 0 ? nil : Unicode.Scalar(value)
    }

    /// Cuts `text` to `limit` characters, marking the cut with "…".
    static func capped(_ text: String, _ limit: Int) -> String {
        // A character is at least one UTF-8 byte: within the limit in bytes is within it in
        // characters, without counting grapheme clusters (most titles and summaries).
        if text.utf8.count <= limit { return text }
        return text.count <= limit ? text : String(text.prefix(limit - 1)) + "…"
    }

    /// `&name;` references HTML names (`&eacute;`) replaced by their character; others stay as
    /// written. For attribute values, where the XML reader leaves such references literal.
    static func decodeEntityNames(_ text: String) -> String {
        text.utf8.contains(UInt8(ascii: "&")) ? decodeReferences(text) : text
    }
}
