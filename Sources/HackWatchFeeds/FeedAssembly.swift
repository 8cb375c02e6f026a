import Foundation
import HackWatchModel

/// The steps every format shares once its records are incidents: ids, duplicates, titles.
enum FeedAssembly {
    /// Source ids longer than this are hashed (a hostile guid should not become a huge key).
    static let maxIDLength = 200

    /// Finishes one poll's incidents (in feed order; `index` is the record's position, for warnings).
    /// Incidents whose `id` is empty get a hashed id (`IncidentIdentity`), ids over `maxIDLength`
    /// bytes are hashed; a record identical to an earlier one (DeFiHackLabs has such rows) and a
    /// repeated source id are dropped with a warning.
    static func finish(_ records: [(index: Int, incident: Incident)], feed: String, noun: String = "record",
                       warnings: inout [String]) -> [Incident] {
        var incidents = records.map(\.incident)
        finish(&incidents, indices: records.map(\.index), feed: feed, noun: noun, warnings: &warnings)
        return incidents
    }

    /// `finish` in place: `incidents[k]` is record `indices[k]`. Dropped records are compacted
    /// away, so a 283k-record feed's incidents exist once, not as a second, kept copy.
    ///
    /// Memory: per record only the 64-bit hash of its base key is kept on the side (the hash is
    /// the id of a record without a tie); the full tie-breaking drafts are built only for the
    /// few records sharing a base key with another (`IncidentIdentity.ids` over those alone
    /// gives each the id it gets among the whole feed: ties never reach across base keys).
    static func finish(_ incidents: inout [Incident], indices: [Int], feed: String, noun: String = "record",
                       warnings: inout [String]) {
        var keptCount = 0  // incidents[..<keptCount] are the kept ones (written behind the reader)
        var hashed: [(offset: Int, base: UInt64)] = []  // kept records without a source id
        hashed.reserveCapacity(indices.count)
        var tied: Set<UInt64> = []  // base keys (hashed) of more than one kept record
        var seenIDs: [String: Int] = [:]
        // Identical records share a name and day, so whole incidents are hashed only within a
        // name-and-day group that has more than one member: hashing every incident cost more than
        // the rest of a DefiLlama parse, and comparing pairwise would be quadratic on a hostile
        // feed of one name and day repeated. Keyed by the base key's hash: two keys colliding
        // only compare incidents that cannot be equal.
        var sameDay: [UInt64: (index: Int, offset: Int)] = Dictionary(minimumCapacity: indices.count)
        var sameDayGroups: [UInt64: [Incident: Int]] = [:]  // incident → its record index
        for (read, index) in indices.enumerated() {
            var incident = incidents[read]
            checkValues(&incident, label: "\(feed): \(noun) \(index)", warnings: &warnings)
            if incident.id.utf8.count > maxIDLength { incident.id = IncidentIdentity.hash(incident.id) }
            if incident.id.isEmpty {
                let base = IncidentIdentity.hashValue(IncidentIdentity.baseKey(name: incident.name, date: incident.date))
                if let first = sameDay[base] {
                    var group = sameDayGroups.removeValue(forKey: base) ?? [incidents[first.offset]: first.index]
                    if let same = group[incident] {
                        warnings.append("\(feed): \(noun) \(index) skipped: identical to \(noun) \(same)")
                        sameDayGroups[base] = group
                        continue
                    }
                    group[incident] = index
                    sameDayGroups[base] = group
                    tied.insert(base)
                } else {
                    sameDay[base] = (index, keptCount)
                }
                hashed.append((keptCount, base))
            } else if let first = seenIDs[incident.id] {
                warnings.append("\(feed): \(noun) \(index) skipped: duplicate id \(FeedText.capped(incident.id, 80)) (first in \(noun) \(first))")
                continue
            } else {
                seenIDs[incident.id] = index
            }
            incidents[keptCount] = incident
            keptCount += 1
        }
        sameDay = [:]
        sameDayGroups = [:]
        incidents.removeLast(incidents.count - keptCount)
        var tiedOffsets: [Int] = []
        for (offset, base) in hashed {
            if tied.contains(base) { tiedOffsets.append(offset) } else { incidents[offset].id = IncidentIdentity.hex(base) }
        }
        let drafts = tiedOffsets.map { offset in
            let incident = incidents[offset]
            return IncidentIdentity.Draft(base: IncidentIdentity.baseKey(name: incident.name, date: incident.date),
                                          amount: incident.loss?.usd,
                                          secondary: [incident.technique, incident.classification, incident.title])
        }
        for (offset, id) in zip(tiedOffsets, IncidentIdentity.ids(for: drafts)) { incidents[offset].id = id }
    }

    /// Dates a feed may give: 1970-01-01 to 9999-12-31 (unix seconds).
    static let plausibleDates: ClosedRange<Double> = 0...253_402_300_799
    /// Amounts past a quadrillion dollars (or not finite) are a feed's error, not a loss.
    static let plausibleUSD = 1e15

    /// Every number a record gives, checked before anything converts it: a date outside
    /// `plausibleDates` and an absurd or non-finite amount become unknown with a warning (a
    /// `date: 1e308` once trapped converting to Int). Titles and summaries built from a dropped
    /// amount are rebuilt without it.
    /// `label` is built only for a warning (it was a string per record).
    static func checkValues(_ incident: inout Incident, label: @autoclosure () -> String, warnings: inout [String]) {
        if let date = incident.date, !plausibleDates.contains(date.timeIntervalSince1970) {
            warnings.append("\(label()): date \(date.timeIntervalSince1970) (unix seconds) is outside 1970–9999; kept as unknown")
            incident.date = nil
        }
        func implausible(_ money: Money?) -> Bool { money.map { !$0.usd.isFinite || abs($0.usd) > plausibleUSD } ?? false }
        guard implausible(incident.loss) || implausible(incident.returned) else { return }
        let oldTitle = title(name: incident.name, loss: incident.loss, classification: incident.classification)
        let oldSummary = summary(technique: incident.technique, chains: incident.chains, target: incident.target, returned: incident.returned)
        for (field, path) in [("loss", \Incident.loss), ("returned", \Incident.returned)] where implausible(incident[keyPath: path]) {
            warnings.append("\(label()): \(field) \(incident[keyPath: path]?.usd ?? 0) is not a plausible USD amount; kept as unknown")
            incident[keyPath: path] = nil
        }
        if incident.title == oldTitle {
            incident.title = title(name: incident.name, loss: incident.loss, classification: incident.classification)
        }
        if incident.summary == oldSummary {
            incident.summary = summary(technique: incident.technique, chains: incident.chains, target: incident.target,
                                       returned: incident.returned)
        }
    }

    /// "Ronin Bridge hacked: $624M lost (Infrastructure)" — the headline for feeds without one.
    /// Built as bytes: `String` appends cost more than everything else per DefiLlama record.
    static func title(name: String, loss: Money?, classification: String?) -> String {
        let human = loss?.human
        return String.concatenated { add in
            add(name)
            add(" hacked")
            if let human { add(": "); add(human); add(" lost") }
            if let classification { add(" ("); add(classification); add(")") }
        }
    }

    /// "Technique: …. Chains: …. Target: …. Returned: $…." — a summary for feeds without one.
    static func summary(technique: String?, chains: [String], target: String?, returned: Money?) -> String? {
        guard technique != nil || !chains.isEmpty || target != nil || returned != nil else { return nil }
        let human = returned?.human
        return String.concatenated { add in
            var first = true
            func label(_ text: String) {
                if !first { add(" ") }
                first = false
                add(text)
            }
            if let technique { label("Technique: "); add(technique); add(".") }
            if !chains.isEmpty {
                label("Chains: ")
                for (offset, chain) in chains.enumerated() {
                    if offset > 0 { add(", ") }
                    add(chain)
                }
                add(".")
            }
            if let target { label("Target: "); add(target); add(".") }
            if let human { label("Returned: "); add(human); add(".") }
        }
    }
}
