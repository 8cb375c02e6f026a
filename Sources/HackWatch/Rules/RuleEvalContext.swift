import Foundation

/// One incident prepared for evaluation against many rules: case-folded strings, lists and
/// regex inputs are computed on first use and shared by every rule that reads them.
public final class RuleEvalContext {
    public let incident: Incident
    /// `now` as seconds since 1970 (for `age`).
    public let now: Double
    // Caches indexed by `RuleField.slot`, allocated on first use (many rules read only numbers).
    private var strings: [[UInt8]?] = []
    private var stringsDone: UInt32 = 0
    private var plain: [[UInt8]?] = []
    private var plainDone: UInt32 = 0
    private var lists: [[[UInt8]]] = []
    private var listsDone: UInt32 = 0
    private var scalars: [[UInt32]?] = []
    private var scalarsDone: UInt64 = 0

    /// Prepares `incident` for evaluation at `now`.
    public init(incident: Incident, now: Date) {
        self.incident = incident
        self.now = now.timeIntervalSince1970
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
        if strings.isEmpty { strings = [[UInt8]?](repeating: nil, count: RuleField.count) }
        let value: [UInt8]?
        if field == .text {
            // Fold the parts (usually already folded for other rules) rather than the joined text.
            let head = incident.title == nil ? folded(.name, slot: RuleField.name.slot) : folded(.title, slot: RuleField.title.slot)
            let tail = incident.summary == nil ? nil : folded(.summary, slot: RuleField.summary.slot)
            switch (head?.isEmpty == false ? head : nil, tail?.isEmpty == false ? tail : nil) {
            case (let h?, let t?): value = h + [10] + t
            case (let h?, nil): value = h
            case (nil, let t?): value = t
            case (nil, nil): value = []
            }
        } else {
            value = raw(field).map(CaseFold.fold)
        }
        strings[slot] = value
        stringsDone |= bit
        return value
    }

    /// The UTF-8 of a string field, as written.
    func utf8(_ field: RuleField, slot: Int) -> [UInt8]? {
        let bit = UInt32(1) << UInt32(slot)
        if plainDone & bit != 0 { return plain[slot] }
        if plain.isEmpty { plain = [[UInt8]?](repeating: nil, count: RuleField.count) }
        let value = raw(field).map { Array($0.utf8) }
        plain[slot] = value
        plainDone |= bit
        return value
    }

    /// The case-folded elements of a list field.
    func foldedList(_ field: RuleField, slot: Int) -> [[UInt8]] {
        let bit = UInt32(1) << UInt32(slot)
        if listsDone & bit != 0 { return lists[slot] }
        if lists.isEmpty { lists = [[[UInt8]]](repeating: [], count: RuleField.count) }
        let value = rawList(field).map(CaseFold.fold)
        lists[slot] = value
        listsDone |= bit
        return value
    }

    /// Scalars of a string field for the regex VM: of the folded text when `folded`.
    func regexInput(_ field: RuleField, slot: Int, folded: Bool) -> [UInt32]? {
        let index = slot * 2 + (folded ? 1 : 0)
        let bit = UInt64(1) << UInt64(index)
        if scalarsDone & bit != 0 { return scalars[index] }
        if scalars.isEmpty { scalars = [[UInt32]?](repeating: nil, count: 2 * RuleField.count) }
        let bytes = folded ? self.folded(field, slot: slot) : utf8(field, slot: slot)
        let value = bytes.map { String(decoding: $0, as: UTF8.self).unicodeScalars.map(\.value) }
        scalars[index] = value
        scalarsDone |= bit
        return value
    }
}
