import HackWatchConfiguration
import HackWatchModel

/// The exposure watchlist and attribution overlays, loaded from the config's `exposure`,
/// `attribution` and `sanctions` files and applied to every incident before rules see it
/// (README "Exposure"). A reload loads them afresh.
package struct ExposureOverlays: Hashable, Sendable {
    /// Every entry, in file order.
    package private(set) var entries: [ExposureEntry] = [] {
        didSet { compiled = entries.map(Compiled.init) }
    }
    /// `entries` prepared for matching (same order).
    private var compiled: [Compiled] = []
    /// Attribution by name, address and sanctions list.
    package private(set) var attribution = AttributionOverlay()

    /// No watchlist, no overlays: `apply` returns incidents unchanged.
    package init() {}

    /// Overlays from parts (tests).
    package init(entries: [ExposureEntry], attribution: AttributionOverlay = AttributionOverlay()) {
        self.entries = entries
        self.compiled = entries.map(Compiled.init)
        self.attribution = attribution
    }

    /// Why overlay files could not be used: one `ConfigError` per bad file, all of them.
    package struct LoadError: Error, Hashable, Sendable, CustomStringConvertible {
        /// Every bad file's problems.
        package var files: [ConfigError]
        package var description: String { files.map(\.description).joined(separator: "\n") }
    }

    /// Reads every file; all problems in all files are reported together. Entry names must be
    /// unique (after normalisation) across the exposure files too.
    package static func load(exposure: [String], attribution: [String], sanctions: [String]) throws(LoadError) -> ExposureOverlays {
        var overlays = ExposureOverlays()
        var errors: [ConfigError] = []
        var seen: [String: ExposureEntry] = [:]
        for path in exposure {
            do throws(ConfigError) {
                let entries = try ExposureEntry.load(path: path)
                var problems: [ConfigProblem] = []
                for entry in entries {
                    let key = Correlator.primaryKey(entry.name)
                    if let first = seen[key] {
                        problems.append(ConfigProblem(path: "\(entry.jsonPath).name", message: "duplicate entry name '\(entry.name)' (same as '\(first.name)' in \(first.file))"))
                    } else {
                        seen[key] = entry
                        overlays.entries.append(entry)
                    }
                }
                if !problems.isEmpty { errors.append(ConfigError(file: path, problems: problems)) }
            } catch {
                errors.append(error)
            }
        }
        for path in attribution {
            do throws(ConfigError) { try overlays.attribution.load(attributionFile: path) } catch { errors.append(error) }
        }
        for path in sanctions {
            do throws(ConfigError) { try overlays.attribution.load(sanctionsFile: path) } catch { errors.append(error) }
        }
        guard errors.isEmpty else { throw LoadError(files: errors) }
        return overlays
    }

    /// What matching compares, worked out once per entry when it is loaded.
    struct Compiled: Hashable, Sendable {
        var nameKeys: Set<String>
        /// Kind chain: the chain's names; other kinds: the held chains (narrowing).
        var chainKeys: Set<String>
        var addresses: Set<String>

        init(_ entry: ExposureEntry) {
            nameKeys = entry.nameKeys
            let chains = Set(entry.chains.flatMap(Correlator.nameKeys))
            chainKeys = entry.kind == .chain ? nameKeys.union(chains) : chains
            addresses = Set(entry.addresses.map(ExposureAddress.normalised))
        }
    }

    /// The incident's side of matching, worked out once per incident.
    struct Probe {
        var nameKeys: Set<String>
        var chainKeys: [(chain: String, keys: Set<String>)]
        var addresses: [(given: String, normalised: String)]

        init(_ incident: Incident) {
            nameKeys = Correlator.nameKeys(incident.name)
            chainKeys = incident.chains.map { ($0, Correlator.nameKeys($0)) }
            addresses = incident.addresses.map { ($0, ExposureAddress.normalised($0)) }
        }
    }

    /// Why `entry` matches `incident` (`name 'Portal'`, `defillama_id 1541`, `chain 'Ronin'`,
    /// `address 0x…`), or nil. Names are compared after the correlator's normalisation, whole:
    /// "Ronin" matches "Ronin Network" and "Ronin's bridge", never "Boronin".
    package func reason(_ entry: ExposureEntry, matches incident: Incident) -> String? {
        reason(entry, Compiled(entry), Probe(incident), incident)
    }

    private func reason(_ entry: ExposureEntry, _ compiled: Compiled, _ probe: Probe, _ incident: Incident) -> String? {
        if !compiled.addresses.isEmpty, let hit = probe.addresses.first(where: { compiled.addresses.contains($0.normalised) }) {
            return "address \(hit.given)"
        }
        if entry.kind == .address { return nil }
        if entry.kind == .chain {
            if let chain = probe.chainKeys.first(where: { !$0.keys.isDisjoint(with: compiled.chainKeys) }) {
                return "chain '\(chain.chain)'"
            }
        } else if !compiled.chainKeys.isEmpty, !probe.chainKeys.isEmpty {
            // Held only on some chains: an incident on none of them is not ours.
            guard probe.chainKeys.contains(where: { !$0.keys.isDisjoint(with: compiled.chainKeys) }) else { return nil }
        }
        for id in entry.defillamaIds where id == incident.defillamaId || id == incident.parentProtocolId {
            return "defillama_id \(id)"
        }
        if !probe.nameKeys.isDisjoint(with: compiled.nameKeys) { return "name '\(incident.name)'" }
        return nil
    }

    /// The entries `incident` matches, in file order, each with why.
    package func matches(_ incident: Incident) -> [(entry: ExposureEntry, reason: String)] {
        guard !entries.isEmpty else { return [] }
        let probe = Probe(incident)
        return zip(entries, compiled).compactMap { entry, compiled in
            reason(entry, compiled, probe, incident).map { (entry, $0) }
        }
    }

    /// `incident` with `exposure`, `exposure_usd` and `exposure_owner` set from the watchlist,
    /// and `attribution`/`attribution_source` from the overlays when the feed gave none (a
    /// feed's own attribution is never replaced).
    package func apply(to incident: Incident) -> Incident {
        var incident = incident
        let matched = matches(incident).map(\.entry)
        incident.exposure = matched.map(\.name)
        let holdings = matched.compactMap(\.holdingsUSD)
        incident.exposureUSD = holdings.isEmpty ? nil : Money(usd: holdings.reduce(0) { $0 + $1.usd })
        // The largest holder answers; on a tie, the first in file order (strictly greater wins).
        var owner: (name: String, usd: Double)?
        for entry in matched {
            guard let name = entry.owner else { continue }
            let usd = entry.holdingsUSD?.usd ?? 0
            if owner.map({ usd > $0.usd }) ?? true { owner = (name, usd) }
        }
        incident.exposureOwner = owner?.name
        if incident.attribution?.isEmpty ?? true, let found = attribution.attribution(for: incident) {
            incident.attribution = found.group
            incident.attributionSource = found.source
        }
        return incident
    }
}
