/// Feed text is hostile: these helpers make it inert for a destination before it is sent.
///
/// Every sink runs feed-derived text through `fit(_:limit:unit:escape:)`, which
/// 1. `clean`s it (control and bidi-override characters removed),
/// 2. defangs mentions (`@everyone`, `@here`, `@channel`, `@all`, `@user`: a zero-width space
///    goes after the `@`, so no destination pings anyone),
/// 3. escapes each character for the destination (`Escaper`), and
/// 4. truncates after escaping, only between characters (never inside a UTF-8 sequence or an
///    escape like `&amp;`), ending with `…` when cut.
package enum SafeText {
    /// How a destination counts its length limit.
    package enum LengthUnit: Sendable {
        /// UTF-8 bytes (Teams payload size, syslog, ntfy).
        case utf8
        /// UTF-16 code units (JavaScript string length: Discord, Slack).
        case utf16
        /// UTF-16 code units of the text as shown, an entity such as `&amp;` counting as the one
        /// character it stands for: Telegram measures its 4,096 after entity parsing.
        case utf16Rendered
    }

    /// Removes C0/C1 control characters (keeping newline and tab), DEL, and the bidi
    /// override/isolate characters that can make text read differently than it is.
    package static func clean(_ text: String) -> String {
        if isCleanASCII(text) { return text }
        var scalars = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            let v = scalar.value
            // CR goes too: CRLF and lone CR would otherwise split syslog lines and headers.
            if (v < 0x20 && v != 0x0A && v != 0x09) || (0x7F...0x9F).contains(v) || (0x202A...0x202E).contains(v)
                || (0x2066...0x2069).contains(v) || v == 0xFEFF {
                continue
            }
            scalars.append(scalar)
        }
        return String(scalars)
    }

    /// Newlines and tabs become spaces (syslog, headers, titles).
    package static func singleLine(_ text: String) -> String {
        if isASCII(text) { return singleLineASCII(text) }
        return String(text.map { $0.isNewline || $0 == "\t" ? " " : $0 })
    }

    /// A zero-width space after every `@` that starts a word, so `@everyone`, `@here`,
    /// `@channel`, `@all` and `@someone` mention nobody anywhere. E-mail addresses
    /// (`a@b.org`) are left alone.
    package static func defangMentions(_ text: String) -> String {
        guard mayMention(text) else { return text }
        var result = ""
        result.reserveCapacity(text.utf8.count + 8)
        var previous: Character?
        for character in text {
            result.append(character)
            if character == "@" || character == "＠" {
                let inWord = previous.map { $0.isLetter || $0.isNumber || $0 == "." || $0 == "_" || $0 == "-" } ?? false
                if !inWord { result.append("\u{200B}") }
            }
            previous = character
        }
        return result
    }

    /// Cleans, defangs, escapes and truncates `text` to at most `limit` units.
    package static func fit(_ text: String, limit: Int, unit: LengthUnit = .utf16,
                           escape: Escaper = .none) -> String {
        let safe = defangMentions(clean(text))
        if isASCII(safe) { return fitASCII(safe, limit: limit, unit: unit, escape: escape) }
        let ellipsis = "…"
        let ellipsisLength = length(ellipsis, unit)
        var result = ""
        var used = 0
        var cutAt: (index: String.Index, used: Int)?
        for character in safe {
            let piece = escape.escape(character)
            let pieceLength = unit == .utf16Rendered ? String(character).utf16.count : length(piece, unit)
            if used + pieceLength > limit {
                // Back up to the last point where the ellipsis still fits.
                guard limit >= ellipsisLength else { return "" }
                if let cut = cutAt, used + ellipsisLength > limit {
                    result = String(result[..<cut.index])
                }
                return result + ellipsis
            }
            if used + pieceLength + ellipsisLength > limit, cutAt == nil { cutAt = (result.endIndex, used) }
            result += piece
            used += pieceLength
        }
        return result
    }

    /// `text`'s length in `unit`.
    package static func length(_ text: String, _ unit: LengthUnit) -> Int {
        switch unit {
        case .utf8: text.utf8.count
        case .utf16: text.utf16.count
        case .utf16Rendered: renderedHTMLLength(text)
        }
    }

    /// The UTF-16 length of HTML `text` as shown: tags count nothing, a character reference
    /// (`&amp;`, `&#8230;`) counts as one character. Telegram's length, for its HTML parse mode.
    package static func renderedHTMLLength(_ html: String) -> Int {
        var count = 0
        var inTag = false, inEntity = false
        for unit in html.utf16 {
            if inTag { if unit == 0x3E { inTag = false }; continue }        // >
            if inEntity { if unit == 0x3B { inEntity = false }; continue }  // ;
            switch unit {
            case 0x3C: inTag = true                                        // <
            case 0x26: inEntity = true; count += 1                          // &
            default: count += 1
            }
        }
        return count
    }
}

/// Per-destination character escaping, applied after cleaning and before truncation.
package enum Escaper: Sendable {
    /// No escaping beyond turning `<` and `>` into look-alikes `‹` `›` (plain-text
    /// destinations that may be relayed to chat: ntfy, PagerDuty, syslog).
    case none
    /// Slack mrkdwn: `&` `<` `>` as entities (so `<!channel>` and `<@U1>` are inert).
    case slack
    /// HTML (Telegram's HTML parse mode): `&` `<` `>` `"` as entities.
    case html
    /// Markdown (Discord, Mattermost): markup characters backslash-escaped; `<` `>`
    /// become `‹` `›` because these destinations have no entity escaping.
    case markdown
    /// Adaptive Card TextBlock/FactSet markdown (Teams): its parser drops a backslash only before
    /// `[`, `]`, `)` and line breaks and shows every other one, so only `[ ] )` are escaped —
    /// enough to stop link syntax `[t](u)` — `<` `>` become `‹` `›` and `*` the look-alike `∗`
    /// (no `**bold**`). `_` is left as it is: the parser makes no emphasis inside a word
    /// (`h_default`), and `_x_` between spaces is only italics.
    case teams

    /// The escaped form of one character.
    package func escape(_ character: Character) -> String {
        switch self {
        case .none:
            switch character {
            case "<": return "‹"
            case ">": return "›"
            default: return String(character)
            }
        case .slack:
            switch character {
            case "&": return "&amp;"
            case "<": return "&lt;"
            case ">": return "&gt;"
            default: return String(character)
            }
        case .html:
            switch character {
            case "&": return "&amp;"
            case "<": return "&lt;"
            case ">": return "&gt;"
            case "\"": return "&quot;"
            default: return String(character)
            }
        case .markdown:
            switch character {
            case "<": return "‹"
            case ">": return "›"
            case "\\", "*", "_", "~", "`", "|", "[", "]", "(", ")", "#", "!": return "\\" + String(character)
            default: return String(character)
            }
        case .teams:
            switch character {
            case "<": return "‹"
            case ">": return "›"
            case "[", "]", ")": return "\\" + String(character)
            case "*": return "∗"
            default: return String(character)
            }
        }
    }

    /// Escapes a whole string (no truncation).
    package func escape(_ text: String) -> String {
        var result = ""
        for character in text { result += escape(character) }
        return result
    }
}
