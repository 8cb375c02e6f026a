/// The static type of an expression (RULES.md §2–3).
enum RuleValueType: Hashable, Sendable, CustomStringConvertible {
    case bool, string, number, money, duration, time, regex
    /// A list whose elements have the given scalar type (fields: string).
    case list(RuleScalarKind)

    var description: String {
        switch self {
        case .bool: "bool"
        case .string: "string"
        case .number: "number"
        case .money: "money"
        case .duration: "duration"
        case .time: "time"
        case .regex: "regex"
        case .list(let element): "list of \(element.description)"
        }
    }

    /// Money and plain numbers both mean USD and compare freely.
    var isNumeric: Bool { self == .number || self == .money }

    /// The scalar kind two values are compared as, if comparable at all.
    var scalarKind: RuleScalarKind? {
        switch self {
        case .string: .string
        case .number, .money: .numeric
        case .bool: .bool
        case .duration: .duration
        case .time: .time
        case .regex, .list: nil
        }
    }
}

/// How two scalars are compared at run time.
enum RuleScalarKind: Hashable, Sendable, CustomStringConvertible {
    case string, numeric, bool, duration, time

    var description: String {
        switch self {
        case .string: "string"
        case .numeric: "number"
        case .bool: "bool"
        case .duration: "duration"
        case .time: "time"
        }
    }

    var isOrdered: Bool { self == .numeric || self == .duration || self == .time }
}

/// The incident fields rules can read (RULES.md §2).
enum RuleField: String, CaseIterable, Sendable {
    case id, source, sources, name, title, summary, text, url, date, age, loss, returned
    case netLoss = "net_loss"
    case chains, classification, technique, bridge, target, attribution, tags, update
    case addresses, transactions
    /// Updates (README "Incidents and updates"): the loss the last alert showed, and what changed.
    case previousLoss = "previous_loss"
    case change
    // Exposure watchlists and attribution overlays (README "Exposure").
    case exposed, exposure
    case exposureUSD = "exposure_usd"
    case exposureOwner = "exposure_owner"
    case attributionSource = "attribution_source"

    var type: RuleValueType {
        switch self {
        case .id, .source, .name, .title, .summary, .text, .url, .classification, .technique, .target, .attribution,
             .exposureOwner, .attributionSource: .string
        case .sources, .chains, .tags, .addresses, .transactions, .change, .exposure: .list(.string)
        case .date: .time
        case .age: .duration
        case .loss, .returned, .netLoss, .previousLoss, .exposureUSD: .money
        case .bridge, .update, .exposed: .bool
        }
    }

    static let byName: [String: RuleField] = Dictionary(uniqueKeysWithValues: allCases.map { ($0.rawValue, $0) })
}

extension RuleField {
    /// Position in `allCases`, used to index per-incident caches.
    var slot: Int { Self.slots[self]! }

    private static let slots: [RuleField: Int] = Dictionary(uniqueKeysWithValues: allCases.enumerated().map { ($1, $0) })
}

extension RuleField {
    /// Number of fields (sizes the per-incident caches).
    static let count = allCases.count
}
