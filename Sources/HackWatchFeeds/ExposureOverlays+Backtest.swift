import HackWatchModel

extension ExposureOverlays {
    /// The watchlist backtest `hackwatch exposure check` prints: for each entry, the incidents
    /// it matches and why, oldest first; then one summary line.
    ///
    /// ```
    /// Wormhole (bridge, owner treasury, $2.5M held): 1 incident
    ///   2022-02-02  Portal  $326M  name 'Portal'
    /// Ronin (chain): no incidents
    /// 2 entries; 1 of 538 incidents matched
    /// ```
    package func backtest(_ incidents: [Incident]) -> String {
        let ordered = incidents.sorted { ($0.date ?? .distantPast, $0.name, $0.id) < ($1.date ?? .distantPast, $1.name, $1.id) }
        var lines: [String] = []
        var matched = Set<Int>()
        var hitsByEntry = [[String]](repeating: [], count: entries.count)
        let position = Dictionary(entries.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { a, _ in a })
        for (index, incident) in ordered.enumerated() {
            for (entry, reason) in matches(incident) {
                guard let at = position[entry.name] else { continue }
                matched.insert(index)
                let day = incident.date.map(Incident.formatDay) ?? "????-??-??"
                let loss = incident.loss?.human ?? "loss unknown"
                hitsByEntry[at].append("  \(day)  \(incident.name)  \(loss)  \(reason)")
            }
        }
        for (entry, hits) in zip(entries, hitsByEntry) {
            var about = [entry.kind.rawValue]
            if let owner = entry.owner { about.append("owner \(owner)") }
            if let held = entry.holdingsUSD { about.append("\(held.human) held") }
            let count = hits.isEmpty ? "no incidents" : hits.count == 1 ? "1 incident" : "\(hits.count) incidents"
            lines.append("\(entry.name) (\(about.joined(separator: ", "))): \(count)")
            lines += hits
        }
        let entryCount = entries.count == 1 ? "1 entry" : "\(entries.count) entries"
        lines.append("\(entryCount); \(matched.count) of \(incidents.count) incidents matched")
        return lines.joined(separator: "\n")
    }
}
