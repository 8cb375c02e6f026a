import HackWatchModel

/// One watchlist entry of an exposure file (README "Exposure"): something we hold, route
/// through or ship, and how to recognise it in an incident.
package struct ExposureEntry: Hashable, Sendable {
    /// What the entry names; decides which incident fields it is matched against.
    package enum Kind: String, CaseIterable, Sendable {
        /// A DeFi protocol: matched by name/aliases and DefiLlama id.
        case `protocol`
        /// A cross-chain bridge: as a protocol.
        case bridge
        /// A chain: also matched against the incident's `chains`.
        case chain
        /// A token: matched by name/aliases.
        case token
        /// A vendor (custodian, wallet, SDK): matched by name/aliases.
        case vendor
        /// A set of addresses: matched by `addresses` only; the name is a label.
        case address
    }

    /// Unique within all exposure files (after name normalisation).
    package var name: String
    /// Other names feeds use (`Portal` for Wormhole); normalised like `name`.
    package var aliases: [String] = []
    /// What the entry names.
    package var kind: Kind = .protocol
    /// Chain entries: other names of the chain; other kinds: where we are exposed (narrows
    /// name and id matches when the incident lists chains).
    package var chains: [String] = []
    /// DefiLlama ids: a protocol id (`1541`) or a parent id (`parent#venus-finance`).
    package var defillamaIds: [String] = []
    /// Our addresses, or the protocol's contracts.
    package var addresses: [String] = []
    /// What we hold there, in USD.
    package var holdingsUSD: Money?
    /// Who answers for it (a team, or a sink name: alerts on matched incidents also go to the
    /// sink of that name).
    package var owner: String?
    /// Free text for people.
    package var notes: String?
    /// The file it came from, for listings.
    package var file: String = ""
    /// Where in that file (`$[2]`), for messages.
    package var jsonPath: String = "$"

    /// An entry; the loader is the normal way.
    package init(name: String, aliases: [String] = [], kind: Kind = .protocol, chains: [String] = [],
                 defillamaIds: [String] = [], addresses: [String] = [], holdingsUSD: Money? = nil,
                 owner: String? = nil, notes: String? = nil, file: String = "") {
        self.name = name
        self.aliases = aliases
        self.kind = kind
        self.chains = chains
        self.defillamaIds = defillamaIds
        self.addresses = addresses
        self.holdingsUSD = holdingsUSD
        self.owner = owner
        self.notes = notes
        self.file = file
    }

    /// Every key in an entry object.
    static let keys = ["name", "aliases", "kind", "chains", "defillama_id", "addresses", "holdings_usd", "owner", "notes"]

    /// The normalised names the entry is known by (name and aliases, with the correlator's own
    /// aliases): compared whole, never as substrings.
    var nameKeys: Set<String> {
        ([name] + aliases).reduce(into: Set<String>()) { $0.formUnion(Correlator.nameKeys($1)) }
    }
}

/// Address syntax and comparison.
enum ExposureAddress {
    /// The comparison form: `0x` hex lowercased (EVM addresses are case-insensitive; the mixed
    /// case is only a checksum); anything else as given, trimmed (base58 is case-sensitive).
    static func normalised(_ address: String) -> String {
        let trimmed = FeedText.trimmed(address)
        return isHex(trimmed) ? trimmed.lowercased() : trimmed
    }

    /// Why `address` cannot be an address, or nil when it can: `0x` + 40 hex digits (EVM), or
    /// 25–90 letters and digits (base58 or bech32: Bitcoin, Solana, Tron, …).
    static func problem(_ address: String) -> String? {
        let text = FeedText.trimmed(address)
        if text.hasPrefix("0x") || text.hasPrefix("0X") {
            return isHex(text) ? nil : "'\(FeedText.capped(text, 60))' is not an address: 0x must be followed by 40 hex digits"
        }
        let alphanumeric = text.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0)) }
        guard alphanumeric, (25...90).contains(text.count) else {
            return "'\(FeedText.capped(text, 60))' is not an address: expected 0x and 40 hex digits, or 25 to 90 letters and digits"
        }
        return nil
    }

    private static func isHex(_ text: String) -> Bool {
        let scalars = Array(text.unicodeScalars)
        guard scalars.count == 42, scalars[0] == "0", scalars[1] == "x" || scalars[1] == "X" else { return false }
        return scalars.dropFirst(2).allSatisfy { $0.properties.isASCIIHexDigit }
    }
}
