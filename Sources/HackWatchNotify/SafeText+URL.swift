import Foundation

/// Links from feeds, made valid (RFC 3986) and inert in every destination's markup, by one
/// normaliser that every sink uses (`AlertFacts.url`, the webhook JSON, syslog SD, ntfy `Click`).
extension SafeText {
    /// The longest link kept (Discord's `embeds[].url` limit; browsers and Teams accept it).
    package static let maxURLLength = 2048

    /// `raw` as an absolute `http`/`https` URL valid per RFC 3986, or nil when it cannot be made
    /// one (then the alert goes without its link). Scheme and host are lowercased; the host must
    /// be an ASCII name, an IPv4 address or a bracketed IPv6 address, with an optional port; a
    /// URL with user info (`http://good.example@evil.example`) is refused. Control and bidi
    /// characters, tabs and line breaks are removed. In the path, query and
    /// fragment every byte RFC 3986 does not allow there is percent-encoded (non-ASCII as UTF-8,
    /// space, `" < > [ ] \ ^ ` { | }`, a `%` not followed by two hex digits, a second `#`), and so
    /// are `(`, `)` and `'`, which are valid but would close a markdown link or an HTML attribute:
    /// `http://good.example/x)@channel` becomes `http://good.example/x%29@channel`.
    package static func url(_ raw: String?) -> String? {
        guard let raw else { return nil }
        // Tabs and line breaks inside a URL are dropped, as browsers do (WHATWG URL parsing).
        let text = clean(raw).trimmingCharacters(in: .whitespacesAndNewlines).filter { $0 != "\n" && $0 != "\t" }
        guard text.utf8.count <= maxURLLength * 3, let separator = text.range(of: "://") else { return nil }
        let scheme = text[..<separator.lowerBound].lowercased()
        guard scheme == "http" || scheme == "https" else { return nil }
        let rest = text[separator.upperBound...]
        let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? rest.endIndex
        guard let authority = normalizedAuthority(String(rest[..<authorityEnd])) else { return nil }
        var tail = rest[authorityEnd...]
        var fragment: Substring?
        if let hash = tail.firstIndex(of: "#") {
            fragment = tail[tail.index(after: hash)...]
            tail = tail[..<hash]
        }
        var query: Substring?
        if let mark = tail.firstIndex(of: "?") {
            query = tail[tail.index(after: mark)...]
            tail = tail[..<mark]
        }
        var out = scheme + "://" + authority + percentEncoded(tail, extra: "/")
        if let query { out += "?" + percentEncoded(query, extra: "/?") }
        if let fragment { out += "#" + percentEncoded(fragment, extra: "/?") }
        return out.utf8.count <= maxURLLength ? out : nil
    }

    /// `host[:port]` lowercased, or nil when it is not a plain host (no user info, no IDN).
    static func normalizedAuthority(_ authority: String) -> String? {
        guard !authority.isEmpty, !authority.contains("@") else { return nil }
        var host = Substring(authority), port: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { return nil }
            host = authority[...close]
            let after = authority[authority.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { return nil }
                port = after.dropFirst()
            }
            let inner = host.dropFirst().dropLast()
            guard !inner.isEmpty, inner.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." }) else { return nil }
        } else {
            if let colon = authority.lastIndex(of: ":") {
                host = authority[..<colon]
                port = authority[authority.index(after: colon)...]
            }
            guard !host.isEmpty, host.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == ".") }) else {
                return nil
            }
        }
        var out = host.lowercased()
        if let port, !port.isEmpty {
            guard port.count <= 5, port.allSatisfy({ $0.isASCII && $0.isNumber }), let value = Int(port), value <= 65535 else { return nil }
            out += ":" + port
        }
        return out
    }

    /// Unreserved characters, sub-delimiters other than `(` `)` `'`, `:` and `@` (RFC 3986 pchar).
    private static let pathSafe = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~!$&*+,;=:@".utf8)

    /// `part` with every byte outside `pathSafe` and `extra` percent-encoded; valid `%XX`
    /// escapes are kept as they are.
    static func percentEncoded(_ part: Substring, extra: String) -> String {
        let bytes = Array(part.utf8), allowed = pathSafe.union(extra.utf8)
        let hex = Array("0123456789ABCDEF".utf8)
        func isHex(_ b: UInt8) -> Bool { (48...57).contains(b) || (65...70).contains(b) || (97...102).contains(b) }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            if allowed.contains(b) {
                out.append(b)
            } else if b == UInt8(ascii: "%"), i + 2 < bytes.count, isHex(bytes[i + 1]), isHex(bytes[i + 2]) {
                out += bytes[i...(i + 2)]
                i += 3
                continue
            } else {
                out += [UInt8(ascii: "%"), hex[Int(b >> 4)], hex[Int(b & 15)]]
            }
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// A normalised URL as a link target where the markup decodes character references (Slack
    /// `<url|text>`, Mattermost `[text](url)`): `&` as `&amp;`, so `&lt;` or `&amp;` in the URL
    /// reach the browser as written. (`<` `>` never remain after `url(_:)`.)
    package static func entityLinkTarget(_ url: String) -> String {
        url.replacingOccurrences(of: "&", with: "&amp;")
    }

    /// True when `text` shows nothing once cleaned: empty, or only whitespace and invisible
    /// (default-ignorable) characters. Destinations reject empty fields (a Discord embed field,
    /// a Slack section), so emptiness is decided on what is sent, not on the feed's raw text.
    package static func isBlank(_ text: String?) -> Bool {
        guard let text else { return true }
        return clean(text).unicodeScalars.allSatisfy { $0.properties.isWhitespace || $0.properties.isDefaultIgnorableCodePoint }
    }
}
