import Foundation
import HackWatchConfiguration
import HackWatchModel

/// Attribution the feeds do not give: a user-kept map of names and addresses to attacker
/// groups, group-naming tags, and sanctioned addresses (README "Exposure").
package struct AttributionOverlay: Hashable, Sendable {
    /// Normalised project name → group.
    var names: [String: String] = [:]
    /// Normalised address → group, from attribution files.
    var addresses: [String: String] = [:]
    /// Normalised address → the SDN entry's name, from sanctions lists.
    var sanctioned: [String: String] = [:]

    package init() {}

    /// Number of names and addresses known.
    package var count: Int { names.count + addresses.count + sanctioned.count }

    /// Adds the attribution file at `path`: `{"names": {"Ronin": "Lazarus Group"},
    /// "addresses": {"0x098b…": "Lazarus Group"}}`.
    package mutating func load(attributionFile path: String) throws(ConfigError) {
        let document = try OverlayReader.document(path: path)
        var reader = OverlayReader()
        guard case .object(let members) = document else {
            throw ConfigError(file: path, problems: [ConfigProblem(path: "$", message: "expected an object with 'names' and/or 'addresses', got \(document.typeName)")])
        }
        reader.rejectUnknownKeys(members, known: ["names", "addresses"], at: "$")
        func pairs(_ key: String) -> [(key: String, group: String, path: String)] {
            guard let value = members[key] else { return [] }
            guard case .object(let map) = value else {
                reader.report("$.\(key)", "expected an object of \(key == "names" ? "name" : "address") → group, got \(value.typeName)")
                return []
            }
            return map.keys.sorted().compactMap { item in
                let path = OverlayReader.key("$.\(key)", item)
                guard case .string(let group) = map[item]!, !FeedText.trimmed(group).isEmpty else {
                    reader.report(path, "expected a group name (a non-empty string)")
                    return nil
                }
                return (item, FeedText.trimmed(group), path)
            }
        }
        var names: [String: String] = [:], addresses: [String: String] = [:]
        for (name, group, path) in pairs("names") {
            let key = Correlator.primaryKey(name)
            if key.isEmpty { reader.report(path, "'\(name)' has no letters or digits to match by") } else { names[key] = group }
        }
        for (address, group, path) in pairs("addresses") {
            if let problem = ExposureAddress.problem(address) { reader.report(path, problem) }
            else { addresses[ExposureAddress.normalised(address)] = group }
        }
        guard reader.problems.isEmpty else { throw ConfigError(file: path, problems: reader.problems) }
        self.names.merge(names) { first, _ in first }
        self.addresses.merge(addresses) { first, _ in first }
    }

    /// Adds the digital currency addresses of the OFAC SDN XML file at `path`.
    package mutating func load(sanctionsFile path: String) throws(ConfigError) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigError(file: path, problems: [ConfigProblem(path: "$", message: "no such file or cannot read it")])
        }
        let listed: [SanctionsList.Address]
        do throws(SanctionsList.Error) { listed = try SanctionsList.digitalCurrencyAddresses(inSDN: [UInt8](data)) } catch {
            throw ConfigError(file: path, problems: [ConfigProblem(path: "$", message: error.description)])
        }
        for item in listed where sanctioned[ExposureAddress.normalised(item.address)] == nil {
            sanctioned[ExposureAddress.normalised(item.address)] = item.entity
        }
    }

    /// The group and where it came from (`attribution` file, `sanctions`, `tags`) for an
    /// incident the feed gave none; nil when nothing names one. Addresses first (most
    /// specific), then the user's names, then tags.
    func attribution(for incident: Incident) -> (group: String, source: String)? {
        let addresses = incident.addresses.map(ExposureAddress.normalised)
        if let group = addresses.lazy.compactMap({ self.addresses[$0] }).first { return (group, "attribution") }
        if let group = addresses.lazy.compactMap({ self.sanctioned[$0] }).first { return (group, "sanctions") }
        if !names.isEmpty, let group = Correlator.nameKeys(incident.name).sorted().lazy.compactMap({ self.names[$0] }).first {
            return (group, "attribution")
        }
        if let group = incident.tags.lazy.compactMap(Self.group(namedByTag:)).first { return (group, "tags") }
        return nil
    }

    /// The group a tag names as a whole ("Lazarus", "DPRK", "North Korea", "Lazarus Group"),
    /// from the groups the feed text extraction knows; a tag merely containing one does not count.
    static func group(namedByTag tag: String) -> String? {
        let key = Correlator.words(tag).joined()
        guard !key.isEmpty else { return nil }
        return tagGroups[key]
    }

    private static let tagGroups: [String: String] = {
        var groups: [String: String] = [:]
        for (needle, group) in FeedText.attributions {
            groups[Correlator.words(needle).joined()] = group
            groups[Correlator.words(group).joined()] = group
        }
        return groups
    }()
}
