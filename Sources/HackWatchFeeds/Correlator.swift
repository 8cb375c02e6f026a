import Foundation
import HackWatchModel

/// Recognises the same hack reported by several feeds and merges the reports into one incident.
///
/// Two reports are the same hack when
/// - their names normalise to the same key (`normalisedName`: case, accents, punctuation,
///   spacing, camel case, a leading "The", and trailing kind-words such as "Bridge", "Protocol",
///   "Finance", "Network", "V1" are ignored; a parenthesised alias counts too, so
///   "Cream Finance (C.R.E.A.M.)" meets "C.R.E.A.M.", and a few well-known aliases such as
///   "Portal" / "Wormhole" are built in),
/// - both are dated and the dates are at most `window` apart (undated reports never correlate:
///   a name alone is too weak), and
/// - when both carry a loss, the smaller is within `amountTolerance` of the larger
///   (`|a - b| ≤ tolerance × max(a, b)`); an unknown loss on either side does not prevent a match.
///
/// A record from the incoming report's own feed (`source` equal) matches only when it carries
/// the same id: the feed already tells its own records apart (DefiLlama lists two "Mirror" hacks
/// on one day). A record from another feed matches even when its `sources` already lists the
/// incoming feed: that is how a later, revised re-report finds the incident it was merged into.
package struct Correlator: Sendable {
    /// Largest distance between the two reports' dates.
    package var window: TimeSpan
    /// Largest relative difference between two known losses.
    package var amountTolerance: Double

    /// Creates a correlator; the config's `correlation_window` sets `window`.
    package init(window: TimeSpan = TimeSpan(seconds: 14 * 86400), amountTolerance: Double = 0.35) {
        self.window = window
        self.amountTolerance = amountTolerance
    }

    /// The key names are compared by: `"Ronin Bridge"` → `"ronin"`, `"Euler Finance V1"` →
    /// `"euler"`, `"Poly Network"` and `"PolyNetwork"` → `"poly"`, `"Curve.fi"` → `"curve"`.
    /// Parenthesised parts are left out (`"Portal (Wormhole)"` → `"portal"`) but still match
    /// on their own (see the type's documentation).
    package func normalisedName(_ name: String) -> String {
        Self.primaryKey(name)
    }

    /// The known incident (from other sources) that is the same hack, if any. When several
    /// qualify, the closest in date wins, then the closest in loss.
    package func match(_ incident: Incident, among known: [Incident]) -> Incident? {
        let keys = Self.nameKeys(incident.name)
        guard !keys.isEmpty else { return nil }
        var best: (incident: Incident, distance: Double, amount: Double)?
        for candidate in known {
            if candidate.source == incident.source {
                if candidate.id == incident.id { return candidate }
                continue
            }
            guard let date = incident.date, let otherDate = candidate.date else { continue }
            let distance = abs(date.timeIntervalSince(otherDate))
            guard distance <= window.seconds, amountsAgree(incident.loss, candidate.loss),
                  !keys.isDisjoint(with: Self.nameKeys(candidate.name)) else { continue }
            let amount = Self.relativeDifference(incident.loss, candidate.loss) ?? 0
            if let current = best, (current.distance, current.amount) <= (distance, amount) { continue }
            best = (candidate, distance, amount)
        }
        return best?.incident
    }

    /// known + re-report: sources union, missing fields filled, a larger loss revises loss.
    /// `changed`: anything rules can see changed; `lossRevisedUp`: loss increased.
    ///
    /// The merged incident keeps the known one's `id`, `source` and `name` (its identity), and
    /// has `update == changed`.
    /// - A report from another feed only adds: known values win, missing ones are filled in,
    ///   chains, tags, addresses and transactions are unions, and a larger loss or returned amount replaces the smaller
    ///   (losses are revised upwards as investigations go on; a lower figure elsewhere is usually
    ///   a partial count).
    /// - A newer version of the same record (same `source` and `id`) is the feed's current word:
    ///   its non-null values replace the known ones, a lower loss included (`lossRevisedUp` only
    ///   when it rose); chains and tags are unions, so what other feeds added stays.
    package func merge(_ incoming: Incident, into known: Incident) -> (merged: Incident, changed: Bool, lossRevisedUp: Bool) {
        let sameRecord = incoming.source == known.source && incoming.id == known.id
        func pick<T>(_ old: T?, _ new: T?) -> T? { sameRecord ? (new ?? old) : (old ?? new) }
        var merged = known
        merged.update = false
        for source in incoming.sources where !merged.sources.contains(source) { merged.sources.append(source) }
        merged.title = pick(known.title, incoming.title)
        merged.summary = pick(known.summary, incoming.summary)
        merged.url = pick(known.url, incoming.url)
        merged.date = pick(known.date, incoming.date)
        merged.classification = pick(known.classification, incoming.classification)
        merged.technique = pick(known.technique, incoming.technique)
        merged.bridge = pick(known.bridge, incoming.bridge)
        merged.target = pick(known.target, incoming.target)
        merged.attribution = pick(known.attribution, incoming.attribution)
        merged.defillamaId = pick(known.defillamaId, incoming.defillamaId)
        merged.parentProtocolId = pick(known.parentProtocolId, incoming.parentProtocolId)
        merged.addresses = Self.union(known.addresses, incoming.addresses)
        merged.chains = sameRecord && !incoming.chains.isEmpty ? Self.union(incoming.chains, known.chains) : Self.union(known.chains, incoming.chains)
        merged.tags = sameRecord && !incoming.tags.isEmpty ? Self.union(incoming.tags, known.tags) : Self.union(known.tags, incoming.tags)
        // Addresses and transactions from every report: one feed lists the attacker, another the txs.
        merged.addresses = Self.union(known.addresses, incoming.addresses)
        merged.transactions = Self.union(known.transactions, incoming.transactions)
        var lossRevisedUp = false
        if let loss = incoming.loss, sameRecord || merged.loss.map({ loss > $0 }) ?? true {
            lossRevisedUp = merged.loss.map { loss > $0 } ?? false
            merged.loss = loss
        }
        if let returned = incoming.returned, sameRecord || merged.returned.map({ returned > $0 }) ?? true {
            merged.returned = returned
        }
        var before = known
        before.update = false
        let changed = merged != before
        merged.update = changed
        return (merged, changed, lossRevisedUp)
    }

    private func amountsAgree(_ a: Money?, _ b: Money?) -> Bool {
        guard let difference = Self.relativeDifference(a, b) else { return true }
        return difference <= amountTolerance
    }

    /// `|a - b| / max(|a|, |b|)`; nil when either is unknown, 0 when both are zero.
    static func relativeDifference(_ a: Money?, _ b: Money?) -> Double? {
        guard let a = a?.usd, let b = b?.usd else { return nil }
        let larger = max(abs(a), abs(b))
        return larger == 0 ? 0 : abs(a - b) / larger
    }

    /// `base` followed by the elements of `extra` not already in it (case-insensitive).
    static func union(_ base: [String], _ extra: [String]) -> [String] {
        var seen = Set(base.map { $0.lowercased() })
        var result = base
        for item in extra where seen.insert(item.lowercased()).inserted { result.append(item) }
        return result
    }
}
