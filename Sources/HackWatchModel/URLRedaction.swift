import Foundation

/// Hides the secret parts of URLs (webhook tokens live in paths and queries).
package enum URLRedaction {
    /// `https://hooks.slack.com/services/T0/B0/XXX?x=1` → `https://hooks.slack.com/…`.
    /// Userinfo is dropped too. `file://` URLs keep their path (they hold no secrets).
    package static func redact(_ url: String) -> String {
        guard let schemeEnd = url.range(of: "://") else { return "<url>" }
        let scheme = url[..<schemeEnd.lowerBound]
        if scheme.lowercased() == "file" { return url }
        let rest = url[schemeEnd.upperBound...]
        var authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        let hidden = rest.count > authority.count ? "/…" : ""
        return "\(scheme)://\(authority)\(hidden)"
    }

    /// `text` with every `scheme://...` run (up to whitespace or a quote) redacted.
    package static func redactURLs(in text: String) -> String {
        guard text.contains("://") else { return text }
        var result = ""
        var rest = Substring(text)
        while let marker = rest.range(of: "://") {
            // Walk back over the scheme's characters.
            var start = marker.lowerBound
            while start > rest.startIndex {
                let previous = rest.index(before: start)
                let c = rest[previous]
                guard c.isASCII && (c.isLetter || c.isNumber || c == "+" || c == "-" || c == ".") else { break }
                start = previous
            }
            let end = rest[marker.upperBound...].firstIndex { $0.isWhitespace || $0 == "'" || $0 == "\"" || $0 == ">" } ?? rest.endIndex
            result += rest[..<start]
            result += start == marker.lowerBound ? String(rest[start..<end]) : redact(String(rest[start..<end]))
            rest = rest[end...]
        }
        return result + rest
    }
}
