import Foundation

/// One incident prepared for evaluation against many rules: case-folded strings, lists and
/// regex inputs are computed on first use and shared by every rule that reads them.
public final class RuleEvalContext {
    public let incident: Incident
    /// `now` as seconds since 1970 (for `age`).
    public let now: Double
    private var strings: [[UInt8]?]
    private var stringsDone: UInt32 = 0
    private var lists: [[[UInt8]]]
    private var listsDone: UInt32 = 0
    private var scalars: [[UInt32]?]
    private var scalarsDone: UInt64 = 0

    /// Prepares `incident` for evaluation at `now`.
    public init(incident: Incident, now: Date) {
        self.incident = incident
        self.now = now.timeIntervalSince1970
        strings = [[UInt8]?](repeating: nil, count: RuleField.allCases.count)
        lists = [[[UInt8]]](repeating: [], count: RuleField.allCases.count)
        scalars = [[UInt32]?](repeating: nil, count: 2 * RuleField.allCases.count)
    }

    /// The raw text of a string field (nil when unknown).
    func raw(_ field: RuleField) -> String? {
        switch field {
        case .id: incident.id
        case .source: incident.source
        case .name: incident.name
        case .title: incident.title
        case .summary: incident.summary
        case .text: incident.text
        case .url: incident.url
        case .classification: incident.classification
        case .technique: incident.technique
        case .target: incident.target
        case .attribution: incident.attribution
        default: nil
        }
    }

    func rawList(_ field: RuleField) -> [String] {
        switch field {
        case .sources: incident.sources
        case .chains: incident.chains
        case .tags: incident.tags
        default: []
        }
    }

    /// The case-folded UTF-8 of a string field.
    func folded(_ field: RuleField, slot: Int) -> [UInt8]? {
        let bit = UInt32(1) << UInt32(slot)
        if stringsDone & bit != 0 { return strings[slot] }
        let value = raw(field).map(CaseFold.fold)
        strings[slot] = value
        stringsDone |= bit
        return value
    }

    /// The case-folded elements of a list field.
    func foldedList(_ field: RuleField, slot: Int) -> [[UInt8]] {
        let bit = UInt32(1) << UInt32(slot)
        if listsDone & bit != 0 { return lists[slot] }
        let value = rawList(field).map(CaseFold.fold)
        lists[slot] = value
        listsDone |= bit
        return value
    }

    /// Scalars of a string field for the regex VM (simple-folded when `folded`).
    func regexInput(_ field: RuleField, slot: Int, folded: Bool) -> [UInt32]? {
        let index = slot * 2 + (folded ? 1 : 0)
        let bit = UInt64(1) << UInt64(index)
        if scalarsDone & bit != 0 { return scalars[index] }
        let value = raw(field).map { text -> [UInt32] in
            let plain = text.unicodeScalars.map(\.value)
            return folded ? RegexCase.fold(plain) : plain
        }
        scalars[index] = value
        scalarsDone |= bit
        return value
    }
}

/// Case folding for string comparisons (RULES.md §3: strings compare case-insensitively).
enum CaseFold {
    /// Folded UTF-8: ASCII fast path, otherwise Unicode lowercase mapping plus the full folds
    /// lowercase lacks (ß → ss, ẞ → ss, ς → σ, ſ → s), so `STRASSE` equals `straße`.
    static func fold(_ text: String) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            if byte >= 0x80 { return Array(foldUnicode(text).utf8) }
            out.append(byte >= 65 && byte <= 90 ? byte + 32 : byte)
        }
        return out
    }

    static func foldUnicode(_ text: String) -> String {
        var result = ""
        for scalar in text.lowercased().unicodeScalars {
            switch scalar {
            case "ß": result += "ss"
            case "ς": result += "σ"
            case "ſ": result += "s"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        let n = needle.count, h = haystack.count
        if n == 0 { return true }
        guard n <= h else { return false }
        return haystack.withUnsafeBufferPointer { hay in
            needle.withUnsafeBufferPointer { nee in
                let first = nee[0]
                var i = 0
                while i <= h - n {
                    if hay[i] == first {
                        var k = 1
                        while k < n, hay[i + k] == nee[k] { k += 1 }
                        if k == n { return true }
                    }
                    i += 1
                }
                return false
            }
        }
    }

    static func hasPrefix(_ text: [UInt8], _ prefix: [UInt8]) -> Bool {
        prefix.count <= text.count && text[0..<prefix.count].elementsEqual(prefix)
    }

    static func hasSuffix(_ text: [UInt8], _ suffix: [UInt8]) -> Bool {
        suffix.count <= text.count && text[(text.count - suffix.count)...].elementsEqual(suffix)
    }
}
