import CLibXML2

/// Plain text from feed markup, through libxml2's HTML parser: the full HTML entity set,
/// comments, `<script>`/`<style>` dropped, block elements separated by whitespace.
enum FeedText {
    /// Longest title kept (hostile feeds); longer ones are cut with "…".
    static let maxTitle = 300
    /// Longest summary kept.
    static let maxSummary = 2000

    /// The text of an HTML fragment, whitespace collapsed. Text without `<` or `&` is only
    /// collapsed (most titles: no parser is started for them).
    static func stripHTML(_ html: String) -> String {
        let bytes = Array(html.utf8)
        guard bytes.contains(where: { $0 == UInt8(ascii: "<") || $0 == UInt8(ascii: "&") }) else { return collapse(html) }
        let document = LibXMLDocument(html: bytes, encoding: "UTF-8")
        return collapse(document.documentNode.text)
    }

    /// Cuts `text` to `limit` characters, marking the cut with "…".
    static func capped(_ text: String, _ limit: Int) -> String {
        text.count <= limit ? text : String(text.prefix(limit - 1)) + "…"
    }

    /// `&name;` references HTML names (`&eacute;`) replaced by their character; others stay as
    /// written. For attribute values, where the XML reader leaves such references literal.
    static func decodeEntityNames(_ text: String) -> String {
        guard text.utf8.contains(UInt8(ascii: "&")) else { return text }
        var out = ""
        var rest = Substring(text)
        while let amp = rest.firstIndex(of: "&") {
            out += rest[..<amp]
            let after = rest[rest.index(after: amp)...]
            if let semi = after.prefix(32).firstIndex(of: ";") {
                let name = String(after[..<semi])
                let value = hw_html_entity(name)
                if value != 0, let scalar = Unicode.Scalar(value) {
                    out.unicodeScalars.append(scalar)
                    rest = after[after.index(after: semi)...]
                    continue
                }
            }
            out += "&"
            rest = after
        }
        return out + rest
    }
}
