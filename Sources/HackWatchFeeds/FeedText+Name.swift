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

    static func name(fromTitle title: String) -> String {
        var text = collapse(title)
        // "BREAKING: X hacked" → "X hacked". The longest label is 11 bytes; a lowercased prefix
        // can be shorter than its original only by non-ASCII letters (K → k), hence the margin.
        if let colonOffset = firstOffset(of: UInt8(ascii: ":"), in: text), colonOffset <= 40 {
            let colon = text.utf8.index(text.utf8.startIndex, offsetBy: colonOffset)
            if leadLabels.contains(text[..<colon].lowercased()) {
                text = collapse(String(text[text.index(after: colon)...]))
            }
        }
        let bytes = Array(text.utf8)
        let lower = asciiLowercased(text)
        let cut = rektCut(lower) ?? markerCut(lower) ?? bytes.count
        var candidate = Array(bytes[..<cut])
        for possessive in possessiveBytes {
            if let at = find(possessive, in: candidate) { candidate.removeSubrange(at...) }
        }
        var name = String(decoding: candidate, as: UTF8.self)
        // Byte checks first: the Character-wise comparisons are only needed when they may match.
        if candidate.last == UInt8(ascii: "s"), name.hasSuffix("'s") || name.hasSuffix("’s") { name.removeLast(2) }
        if let first = name.utf8.first, first | 0x20 == UInt8(ascii: "t"), name.lowercased().hasPrefix("the ") { name.removeFirst(4) }
        name = trimmingPunctuation(name)
        guard !name.isEmpty, name.utf8.count <= 60 || name.count <= 60 else { return capped(text, maxTitle) }
        return name
    }

    static let rektWord = Array(" rekt".utf8)

    /// For a space followed by byte N (256: the end), the markers (bits, by index in
    /// `verbBytes`) that start with those two bytes.
    private static let markersAfterSpace: [UInt32] = (0...256).map { next in
        var bits: UInt32 = 0
        for (index, marker) in verbBytes.enumerated() where marker.first == 0x20 && (marker.count == 1 ? next == 256 : Int(marker[1]) == next) {
            bits |= 1 << UInt32(index)
        }
        return bits
    }

    /// The markers that start with ':'.
    private static let markersAfterColon: UInt32 = verbBytes.enumerated().reduce(0) { bits, entry in
        entry.element.first == 0x3A ? bits | 1 << UInt32(entry.offset) : bits
    }

    static let possessiveBytes = [Array("'s ".utf8), Array("’s ".utf8)]

    /// The earliest first occurrence (not at offset 0) of any of `verbBytes` in `lower`, as
    /// checking each marker's first occurrence in turn would find, in one pass over the title.
    private static func markerCut(_ lower: [UInt8]) -> Int? {
        lower.withUnsafeBufferPointer { b -> Int? in
            func matches(_ marker: [UInt8], at i: Int) -> Bool {
                guard i + marker.count <= b.count else { return false }
                for k in 1..<max(marker.count, 1) where b[i + k] != marker[k] { return false }
                return true
            }
            // Markers found at offset 0 do not count, and their later occurrences neither.
            var atStart: [Bool] = []
            for i in 0..<b.count where b[i] == 0x20 || b[i] == 0x3A {
                if i == 0 {
                    atStart = verbBytes.map { $0.first == b[0] && matches($0, at: 0) }
                    continue
                }
                // Only markers whose first two bytes are here (a bit set per second byte): most
                // spaces are followed by a letter no marker has, and need one lookup.
                let next = i + 1 < b.count ? Int(b[i + 1]) : 256
                var candidates = b[i] == 0x20 ? markersAfterSpace[next] : (b[i] == 0x3A ? markersAfterColon : 0)
                while candidates != 0 {
                    let index = candidates.trailingZeroBitCount
                    candidates &= candidates - 1
                    if matches(verbBytes[index], at: i), atStart.isEmpty || !atStart[index] { return i }
                }
            }
            return nil
        }
    }

    /// The byte offset of the first `byte` in `text`, if any.
    static func firstOffset(of byte: UInt8, in text: String) -> Int? {
        var text = text
        return text.withUTF8 { b in b.firstIndex(of: byte) }
    }

    /// `text` without leading and trailing whitespace and punctuation (Unicode categories Z*, P*).
    static func trimmingPunctuation(_ text: String) -> String {
        func trimmable(_ scalar: Unicode.Scalar) -> Bool {
            if scalar.isASCII {
                let byte = UInt8(scalar.value)
                return byte <= 0x20 || byte == 0x7F || (byte >= 0x21 && byte <= 0x2F && byte != 0x24 && byte != 0x2B)
                    || (byte >= 0x3A && byte <= 0x40 && byte != 0x3C && byte != 0x3D && byte != 0x3E)
                    || (byte >= 0x5B && byte <= 0x60 && byte != 0x5E && byte != 0x60) || byte == 0x7B || byte == 0x7D
            }
            if scalar.properties.isWhitespace { return true }
            switch scalar.properties.generalCategory {
            case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
                 .initialPunctuation, .finalPunctuation, .otherPunctuation: return true
            default: return false
            }
        }
        // Most names start and end with an ASCII letter or digit: nothing to trim.
        if let first = text.utf8.first, let last = text.utf8.last, first < 0x80, last < 0x80,
           !trimmable(Unicode.Scalar(first)), !trimmable(Unicode.Scalar(last)) { return text }
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { !trimmable($0) }),
              let last = scalars.lastIndex(where: { !trimmable($0) }) else { return "" }
        if first == scalars.startIndex && scalars.index(after: last) == scalars.endIndex { return text }
        return String(scalars[first...last])
    }

    /// Where "Name - REKT…" ends its name ("rekt" as a whole word after a dash), if anywhere.
    private static func rektCut(_ lower: [UInt8]) -> Int? {
        // Every pattern ends in " rekt": one scan for that turns away nearly every title.
        guard find(rektWord, in: lower) != nil else { return nil }
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
