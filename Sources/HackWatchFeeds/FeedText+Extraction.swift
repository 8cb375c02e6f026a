import Foundation

/// Facts pulled out of free text (RSS/Atom titles and summaries).
extension FeedText {
    /// The first US-dollar amount in `text`: `$625 million`, `$1.9 billion`, `$190M`, `US$ 1.5bn`,
    /// `$3,000,000`, `$4.5m`, `USD 2 million`, `$250k`. Other currencies (`A$`, `C$`) and token
    /// amounts (`120,000 ETH`) are not USD and are ignored.
    static func usdAmount(in text: String) -> Double? {
        var text = text
        return text.withUTF8(usdAmount)
    }

    /// `usdAmount` on UTF-8 bytes (no copy of the text, no String per number or word).
    private static func usdAmount(_ b: UnsafeBufferPointer<UInt8>) -> Double? {
        var i = 0
        while i < b.count {
            var numberStart: Int?
            if b[i] == UInt8(ascii: "$") {
                let prefixedByUS = i >= 2 && b[i - 2] | 0x20 == UInt8(ascii: "u") && b[i - 1] | 0x20 == UInt8(ascii: "s")
                let prefixedByLetter = i >= 1 && isLetter(b[i - 1])
                if prefixedByUS || !prefixedByLetter { numberStart = i + 1 }
            } else if i + 3 <= b.count, b[i] == UInt8(ascii: "U"), b[i + 1] == UInt8(ascii: "S"), b[i + 2] == UInt8(ascii: "D"),
                      i == 0 || !isLetter(b[i - 1]), i + 3 == b.count || !isLetter(b[i + 3]) {
                numberStart = i + 3
            }
            if let start = numberStart, let value = amount(b, from: start) { return value }
            i += 1
        }
        return nil
    }

    private static func isLetter(_ byte: UInt8) -> Bool {
        byte | 0x20 >= UInt8(ascii: "a") && byte | 0x20 <= UInt8(ascii: "z")
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    static let multipliers: [String: Double] = [
        "k": 1e3, "thousand": 1e3,
        "m": 1e6, "mm": 1e6, "mn": 1e6, "mln": 1e6, "mil": 1e6, "million": 1e6, "millions": 1e6,
        "b": 1e9, "bn": 1e9, "bln": 1e9, "billion": 1e9, "billions": 1e9,
    ]

    /// A number (digits, `,` thousands separators, one `.` decimal part) after up to two spaces,
    /// then an optional multiplier word.
    private static func amount(_ b: UnsafeBufferPointer<UInt8>, from start: Int) -> Double? {
        var i = start
        while i < b.count, i - start < 2, b[i] == 0x20 || b[i] == 0xA0 { i += 1 }
        guard i < b.count, isDigit(b[i]) else { return nil }
        var digits: [UInt8] = []
        var whole = 0, wholeDigits = 0, decimal = false
        while i < b.count {
            if isDigit(b[i]) {
                digits.append(b[i])
                if !decimal { whole = whole &* 10 &+ Int(b[i] - 0x30); wholeDigits += 1 }
            } else if b[i] == UInt8(ascii: ","), i + 1 < b.count, isDigit(b[i + 1]) {
                // thousands separator: skip
            } else if b[i] == UInt8(ascii: "."), i + 1 < b.count, isDigit(b[i + 1]), !decimal {
                digits.append(b[i])
                decimal = true
            } else {
                break
            }
            i += 1
        }
        // Up to 15 digits without a decimal part are exact as an Int: the same Double as parsing.
        let parsed = !decimal && wholeDigits <= 15 ? Double(whole) : Double(String(decoding: digits, as: UTF8.self))
        guard let value = parsed else { return nil }
        var j = i
        while j < b.count, j - i < 1, b[j] == 0x20 { j += 1 }
        let wordStart = j
        while j < b.count, isLetter(b[j]) { j += 1 }
        let usd = value * (multiplier(b[wordStart..<j]) ?? 1)
        return usd.isFinite ? usd : nil  // "$" and 400 digits: Double() gives infinity
    }

    /// `multipliers[word]` for ASCII letters in any case, compared as a packed integer (the
    /// longest word has 8 letters) instead of hashing a lowercased String.
    private static func multiplier(_ word: Slice<UnsafeBufferPointer<UInt8>>) -> Double? {
        guard !word.isEmpty, word.count <= 8 else { return nil }
        var key: UInt64 = 0
        for byte in word { key = key << 8 | UInt64(byte | 0x20) }
        return multiplierKeys.first { $0.key == key }?.value
    }

    private static let multiplierKeys: [(key: UInt64, value: Double)] = multipliers.map { word, value in
        (word.utf8.reduce(UInt64(0)) { $0 << 8 | UInt64($1) }, value)
    }

    /// Named attacker groups and the spellings that point at them (first match wins).
    static let attributions: [(needle: String, group: String)] = [
        ("lazarus", "Lazarus Group"), ("dprk", "Lazarus Group"), ("north korea", "Lazarus Group"),
        ("tradertraitor", "Lazarus Group"), ("apt38", "Lazarus Group"), ("bluenoroff", "Lazarus Group"),
        ("inferno drainer", "Inferno Drainer"), ("pink drainer", "Pink Drainer"), ("angel drainer", "Angel Drainer"),
    ]

    /// The attacker group `text` names, from `attributions`.
    static func attribution(in text: String) -> String? {
        attribution(inLowercased: asciiLowercased(text))
    }

    static func attribution(inLowercased lower: [UInt8]) -> String? {
        attributionNeedles.first { find($0.needle, in: lower) != nil }?.group
    }

    private static let attributionNeedles = attributions.map { (needle: Array($0.needle.utf8), group: $0.group) }

    /// True when the text mentions a bridge; nil (unknown) otherwise.
    static func mentionsBridge(_ text: String) -> Bool? {
        mentionsBridge(lowercased: asciiLowercased(text))
    }

    static func mentionsBridge(lowercased lower: [UInt8]) -> Bool? {
        find(Array("bridge".utf8), in: lower) != nil ? true : nil
    }
}
