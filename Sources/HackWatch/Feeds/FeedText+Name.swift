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

    static func name(fromTitle title: String) -> String {
        var text = collapse(title)
        // "BREAKING: X hacked" → "X hacked"
        if let colon = text.firstIndex(of: ":"), leadLabels.contains(text[..<colon].lowercased()) {
            text = collapse(String(text[text.index(after: colon)...]))
        }
        var candidate = text
        if let rekt = text.range(of: #"\s+[-–—]\s+rekt\b.*$"#, options: [.regularExpression, .caseInsensitive]) {
            candidate = String(text[..<rekt.lowerBound])
        } else {
            let lower = text.lowercased()
            var cut = lower.endIndex
            for marker in verbs + separators {
                if let range = lower.range(of: marker), range.lowerBound < cut, range.lowerBound > lower.startIndex {
                    cut = range.lowerBound
                }
            }
            candidate = String(text[..<cut])
        }
        if let possessive = candidate.range(of: "'s ") ?? candidate.range(of: "’s ") {
            candidate = String(candidate[..<possessive.lowerBound])
        }
        if candidate.hasSuffix("'s") || candidate.hasSuffix("’s") { candidate.removeLast(2) }
        if candidate.lowercased().hasPrefix("the ") { candidate.removeFirst(4) }
        candidate = candidate.trimmingCharacters(in: .whitespacesAndNewlines.union(.punctuationCharacters))
        guard !candidate.isEmpty, candidate.count <= 60 else { return capped(text, maxTitle) }
        return candidate
    }
}
