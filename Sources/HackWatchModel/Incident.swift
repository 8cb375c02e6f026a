import Foundation

/// One hack or exploit, as a feed reported it: the fields rules see (RULES.md §2).
///
/// `nil` means "unknown" everywhere: rules treat any comparison with an unknown field as false.
/// Derived fields (`text`, `net_loss`, `age`) are computed, never stored.
public struct Incident: Hashable, Sendable {
    /// Stable id within its source (the source's own id, or a hash of normalised name and date).
    public var id: String
    /// The feed's name in the config.
    public var source: String
    /// Every feed that reported this incident (after correlation); starts as `[source]`.
    public var sources: [String]
    /// The project or protocol hit, e.g. `Ronin`.
    public var name: String
    /// Headline (RSS title, or made from the fields).
    public var title: String?
    /// Description text, markup stripped.
    public var summary: String?
    /// Link to the report.
    public var url: String?
    /// When it happened (or was first published).
    public var date: Date?
    /// USD stolen.
    public var loss: Money?
    /// USD returned or recovered.
    public var returned: Money?
    /// Chains affected.
    public var chains: [String]
    /// e.g. `Protocol Logic`, `Infrastructure`.
    public var classification: String?
    /// e.g. `Private Key Compromised`.
    public var technique: String?
    /// The target is a cross-chain bridge.
    public var bridge: Bool?
    /// Target type, e.g. `DeFi Protocol`, `CEX`, `Bridge`.
    public var target: String?
    /// Named attacker group, e.g. `Lazarus Group`.
    public var attribution: String?
    /// Feed categories / tags.
    public var tags: [String]
    /// Addresses involved (attacker, exploit contract), as the feed gives them.
    public var addresses: [String]
    /// Transaction hashes of the attack, as the feed gives them.
    public var transactions: [String]
    /// True when this evaluation is of a changed, already-known incident.
    public var update: Bool
    /// During an update's evaluation: the loss the incident's last alert showed (rule field
    /// `previous_loss`). Never stored; nil outside updates.
    public var previousLoss: Money? = nil
    /// During an update's evaluation: what changed since the last alert — `loss`, `returned`,
    /// `attribution`, `sources` (rule field `change`). Never stored; empty outside updates.
    public var changes: [String] = []
    /// DefiLlama's protocol id (`defillamaId`), kept so exposure entries can match by id.
    public var defillamaId: String?
    /// DefiLlama's parent protocol id (`parentProtocolId`, e.g. `parent#venus-finance`).
    public var parentProtocolId: String?
    /// Names of the exposure entries this incident matched (set per evaluation, not by feeds).
    public var exposure: [String] = []
    /// Holdings at risk: the sum of the matched entries' `holdings_usd`; nil when none says.
    public var exposureUSD: Money?
    /// Owner of the matched entry with the largest holdings (the first matched on a tie).
    public var exposureOwner: String?
    /// Where `attribution` came from when an overlay set it: `attribution.json`, `tags`, `sanctions`.
    public var attributionSource: String?

    /// Creates an incident; only `id`, `source` and `name` are required.
    public init(
        id: String, source: String, sources: [String]? = nil, name: String,
        title: String? = nil, summary: String? = nil, url: String? = nil, date: Date? = nil,
        loss: Money? = nil, returned: Money? = nil, chains: [String] = [],
        classification: String? = nil, technique: String? = nil, bridge: Bool? = nil,
        target: String? = nil, attribution: String? = nil, tags: [String] = [], update: Bool = false,
        addresses: [String] = [], transactions: [String] = []
    ) {
        self.id = id
        self.source = source
        self.sources = sources ?? [source]
        self.name = name
        self.title = title
        self.summary = summary
        self.url = url
        self.date = date
        self.loss = loss
        self.returned = returned
        self.chains = chains
        self.classification = classification
        self.technique = technique
        self.bridge = bridge
        self.target = target
        self.attribution = attribution
        self.tags = tags
        self.update = update
        self.addresses = addresses
        self.transactions = transactions
    }

    /// True when any exposure entry matched.
    package var exposed: Bool { !exposure.isEmpty }

    /// `title` + `summary`, for free-text matching.
    package var text: String {
        [title ?? name, summary].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: "\n")
    }

    /// `loss - returned` (`loss` when `returned` is unknown); nil when `loss` is unknown.
    package var netLoss: Money? {
        guard let loss else { return nil }
        guard let returned else { return loss }
        return Money(usd: loss.usd - returned.usd)
    }

    /// `now - date`; nil when the date is unknown.
    package func age(now: Date) -> TimeSpan? {
        date.map { TimeSpan(seconds: now.timeIntervalSince($0)) }
    }
}
