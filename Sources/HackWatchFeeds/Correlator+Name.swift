import Foundation

/// Name normalisation for correlation: the same protocol is spelt "Ronin Bridge", "Ronin
/// Network", "ronin", "Ronin's bridge"; "Euler V1" and "Euler Finance"; "PolyNetwork" and
/// "Poly Network".
extension Correlator {
    /// Trailing words that name the kind of project rather than the project. Removed repeatedly
    /// from the end ("Uranium Finance V2" → "uranium"), never down to nothing.
    static let suffixWords: Set<String> = [
        "bridge", "protocol", "finance", "financial", "network", "networks", "exchange", "labs", "dao",
        "markets", "market", "chain", "defi", "fi", "io", "app", "money", "token", "wallet", "hack", "exploit",
        "lending", "dex", "clmm", "amm", "rekt",
    ]

    /// Words dropped wherever they stand.
    static let fillerWords: Set<String> = ["the"]

    /// Words of `name`: split at anything not a letter or digit and at lower→upper camel-case
    /// humps ("KyberSwap" → kyber, swap); lowercased and diacritics folded; a trailing
    /// possessive "'s" dropped.
    static func words(_ name: String) -> [String] {
        var words: [String] = []
        var current = ""
        var previousWasLower = false
        func flush() {
            if !current.isEmpty { words.append(current.lowercased()) }
            current = ""
        }
        let folded = name.folding(options: [.diacriticInsensitive], locale: nil)
            .replacingOccurrences(of: "'s ", with: " ").replacingOccurrences(of: "’s ", with: " ")
        for character in folded {
            guard character.isLetter || character.isNumber else {
                flush()
                previousWasLower = false
                continue
            }
            if character.isUppercase && previousWasLower { flush() }
            current.append(character)
            previousWasLower = character.isLowercase || character.isNumber
        }
        flush()
        if words.last == "s", words.count > 1 { words.removeLast() }  // "Ronin's" split at the apostrophe
        return words
    }

    /// The comparison key of `name`'s words (parentheses are not special here; see `primaryKey`).
    static func key(_ name: String) -> String {
        var words = words(name).filter { !fillerWords.contains($0) }
        while words.count > 1, let last = words.last, suffixWords.contains(last) || isVersion(last) {
            words.removeLast()
        }
        return words.joined()
    }

    /// `v1`, `v2`, `v10`.
    static func isVersion(_ word: String) -> Bool {
        guard word.count >= 2, word.first == "v" else { return false }
        return word.dropFirst().allSatisfy(\.isNumber)
    }

    /// The key of `name` without its parenthesised parts ("Cream Finance (C.R.E.A.M.)" → cream);
    /// the key of the whole name when nothing is outside the parentheses.
    static func primaryKey(_ name: String) -> String {
        let name = withoutReportSuffix(name)
        let outside = key(splitParentheses(name).outside)
        return outside.isEmpty ? key(name) : outside
    }

    /// `name` without a report-series suffix: rekt.news titles its articles "Ronin Network -
    /// REKT", "ByBit - Rekt", "Wintermute - REKT 2", "Balancer - Rekt II".
    static func withoutReportSuffix(_ name: String) -> String {
        for separator in [" - ", " – ", " — "] {
            guard let range = name.range(of: separator, options: .backwards) else { continue }
            let tail = words(String(name[range.upperBound...]))
            guard tail.first == "rekt", tail.count <= 2, tail.dropFirst().allSatisfy(isSeriesNumber) else { continue }
            return String(name[..<range.lowerBound])
        }
        return name
    }

    /// `2`, `ii`, `iii`, `iv`: the numbering of a second or later article on one project.
    static func isSeriesNumber(_ word: String) -> Bool {
        word.allSatisfy(\.isNumber) || (word.count <= 4 && word.allSatisfy { "ivx".contains($0) })
    }

    /// The key of the words as written (kind-words kept), so "AscenDEX" still meets "Ascendex"
    /// when "dex" is stripped from the primary key.
    static func literalKey(_ name: String) -> String {
        words(withoutReportSuffix(splitParentheses(name).outside)).filter { !fillerWords.contains($0) }.joined()
    }

    /// Every key `name` is known by: the primary key, each parenthesised part's
    /// ("Portal (Wormhole)" → portal, wormhole), and their `aliases`.
    static func nameKeys(_ name: String) -> Set<String> {
        var keys = Set(splitParentheses(name).inside.map(key))
        keys.insert(primaryKey(name))
        keys.insert(literalKey(name))
        // Reports naming several parties ("HECO Bridge, HTX", "Curve, Vyper") or a qualifier
        // after a colon ("WazirX: India") are known by each part too.
        let outside = withoutReportSuffix(splitParentheses(name).outside)
        let parts = outside.split(whereSeparator: { $0 == "," || $0 == ":" || $0 == "&" || $0 == "/" })
        if parts.count > 1 { for part in parts { keys.insert(key(String(part))) } }
        keys.remove("")
        for key in keys { if let alias = aliases[key] { keys.insert(alias) } }
        return keys
    }

    /// Projects that feeds name differently (DefiLlama lists the Wormhole bridge as "Portal").
    /// Kept short on purpose: an alias only widens the name test; dates and losses must still agree.
    static let aliases: [String: String] = [
        "portal": "wormhole", "wormhole": "portal",
        "anyswap": "multichain", "multichain": "anyswap",
        "horizon": "harmony", "harmony": "horizon",
        "bnb": "binance", "binance": "bnb",  // rekt's "BNB Bridge - REKT" is DefiLlama's "Binance Bridge"
    ]

    /// `name` outside `(…)` / `[…]`, and the text of each outermost group.
    static func splitParentheses(_ name: String) -> (outside: String, inside: [String]) {
        var outside = ""
        var inside: [String] = []
        var depth = 0
        var current = ""
        for character in name {
            switch character {
            case "(", "[":
                if depth == 0 { current = "" } else { current.append(character) }
                depth += 1
            case ")", "]":
                guard depth > 0 else { continue }
                depth -= 1
                if depth == 0 { inside.append(current) } else { current.append(character) }
            default:
                if depth == 0 { outside.append(character) } else { current.append(character) }
            }
        }
        if depth > 0 { inside.append(current) }  // unclosed "(": its text still counts
        return (outside, inside)
    }
}
