import Foundation

/// The protocol's name from a headline.
///
/// Heuristic (README "Feeds"): drop a leading "Breaking:"-style label; rekt.news titles
/// "Name - REKT" / "Name - Rekt 2" give "Name"; otherwise the text before the first of
/// " hacked", " exploited", " drained", " suffers", " loses", " attacked", " compromised",
/// " hit by", ":", " - ", " – ", " — ", " | "; a trailing possessive ("Ronin's bridge" → "Ronin")
/// and a leading "The " are dropped. When that leaves nothing or more than 60 characters the
/// whole title is the name.
extension FeedText {
    static let leadLabels: Set<String> = ["breaking", "update", "updated", "alert", "exclusive", "analysis",
                                          "post-mortem", "postmortem", "news", "hack", "exploit"]
    static let verbs = [" hacked", " exploited", " exploit ", " drained", " suffers", " suffered", " loses", " lost ",
                        " attacked", " compromised", " hit by", " hack ", " exploit:", " hack:"]
    static let separators = [":", " - ", " – ", " — ", " | "]

    static let verbBytes = (verbs + separators).map { Array($0.utf8) }
    /// " - rekt", " – rekt", " — rekt" (titles are collapsed, so one space each side).
    static let rektBytes = [" - rekt", " – rekt", " — rekt"].map { Array($0.utf8) }

    /// Built once: `CharacterSet.union` is costly per call.
    static let trimmedFromNames = CharacterSet.whitespacesAndNewlines.union(.punctuationCharacters)

    static func name(fromTitle title: String) -> String {
        var text = collapse(title)
        // "BREAKING: X hacked" → "X hacked"
        if let colon = text.firstIndex(of: ":"), leadLabels.contains(text[..<colon].lowercased()) {
            text = collapse(String(text[text.index(after: colon)...]))
        }
        let bytes = Array(text.utf8)
        let lower = asciiLowercased(text)
        var cut = bytes.count
        if let rekt = rektCut(lower) {
            cut = rekt
        } else {
            for marker in verbBytes {
                // The first occurrence only, and not at the very start (the name would be empty).
                if let at = find(marker, in: lower), at > 0, at < cut { cut = at }
            }
        }
        var candidate = Array(bytes[..<cut])
        for possessive in [Array("'s ".utf8), Array("’s ".utf8)] {
            if let at = find(possessive, in: candidate) { candidate.removeSubrange(at...) }
        }
        var name = String(decoding: candidate, as: UTF8.self)
        if name.hasSuffix("'s") || name.hasSuffix("’s") { name.removeLast(2) }
        if name.lowercased().hasPrefix("the ") { name.removeFirst(4) }
        name = name.trimmingCharacters(in: trimmedFromNames)
        guard !name.isEmpty, name.count <= 60 else { return capped(text, maxTitle) }
        return name
    }

    /// Where "Name - REKT…" ends its name ("rekt" as a whole word after a dash), if anywhere.
    private static func rektCut(_ lower: [UInt8]) -> Int? {
        var best: Int?
        for pattern in rektBytes {
            var from = 0
            while let at = find(pattern, in: lower, from: from) {
                let after = at + pattern.count
                let boundary = after == lower.count || !(isWordByte(lower[after]))
                if boundary {
                    if at > 0 { best = min(best ?? at, at) }
                    break
                }
                from = at + 1
            }
        }
        return best
    }

    private static func isWordByte(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A) || byte == 0x5F
    }
}
