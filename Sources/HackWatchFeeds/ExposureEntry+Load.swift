import HackWatchConfiguration
import HackWatchModel

extension ExposureEntry {
    /// The entries of the exposure file at `path`: a JSON list of entry objects, or an object
    /// `{"entries": [...]}`. Every problem is reported at once, with its JSON path.
    package static func load(path: String) throws(ConfigError) -> [ExposureEntry] {
        let document = try OverlayReader.document(path: path)
        var reader = OverlayReader()
        var items: [JSONValue] = []
        var base = "$"
        switch document {
        case .array(let list): items = list
        case .object(let members):
            reader.rejectUnknownKeys(members, known: ["entries"], at: "$")
            base = "$.entries"
            if case .array(let list)? = members["entries"] { items = list }
            else { reader.report(base, "expected a list of exposure entries") }
        default:
            reader.report("$", "expected a list of exposure entries, got \(document.typeName)")
        }
        var entries: [ExposureEntry] = []
        var seen: [String: (name: String, path: String)] = [:]
        for (index, item) in items.enumerated() {
            let at = "\(base)[\(index)]"
            guard var entry = reader.entry(item, at: at) else { continue }
            // Two entries with one normalised name would match the same incidents twice.
            let key = Correlator.primaryKey(entry.name)
            if let first = seen[key] {
                reader.report(OverlayReader.key(at, "name"), "duplicate entry name '\(entry.name)' (same as '\(first.name)' at \(first.path))")
                continue
            }
            seen[key] = (entry.name, at)
            entry.file = path
            entry.jsonPath = at
            entries.append(entry)
        }
        guard reader.problems.isEmpty else { throw ConfigError(file: path, problems: reader.problems) }
        return entries
    }
}

extension OverlayReader {
    /// One entry object; nil when it has problems (they are reported).
    mutating func entry(_ value: JSONValue, at path: String) -> ExposureEntry? {
        guard case .object(let members) = value else {
            report(path, "expected an exposure entry object, got \(value.typeName)")
            return nil
        }
        let before = problems.count
        rejectUnknownKeys(members, known: ExposureEntry.keys, at: path)
        let name = string(members, "name", at: path, required: true)
        var entry = ExposureEntry(name: name ?? "")
        if let kindName = string(members, "kind", at: path) {
            if let kind = ExposureEntry.Kind(rawValue: kindName.lowercased()) {
                entry.kind = kind
            } else {
                let kinds = ExposureEntry.Kind.allCases.map(\.rawValue)
                let hint = Suggest.nearest(kindName.lowercased(), in: kinds).map { "; did you mean '\($0)'?" } ?? ""
                report(Self.key(path, "kind"), "unknown kind '\(kindName)'\(hint) (kinds: \(kinds.joined(separator: ", ")))")
            }
        }
        entry.aliases = strings(members, "aliases", at: path)
        entry.chains = strings(members, "chains", at: path)
        entry.defillamaIds = strings(members, "defillama_id", at: path, numbers: true)
        entry.addresses = strings(members, "addresses", at: path)
        for (index, address) in entry.addresses.enumerated() {
            if let problem = ExposureAddress.problem(address) { report("\(Self.key(path, "addresses"))[\(index)]", problem) }
        }
        switch members["holdings_usd"] {
        case nil, .null?: break
        case .number(let usd)? where usd.isFinite && usd >= 0: entry.holdingsUSD = Money(usd: usd)
        case let other?: report(Self.key(path, "holdings_usd"), "expected a non-negative number of USD, got \(other.typeName == "number" ? "\(other)" : other.typeName)")
        }
        entry.owner = string(members, "owner", at: path)
        entry.notes = string(members, "notes", at: path)
        if name != nil, entry.kind == .address, entry.addresses.isEmpty {
            report(path, "an entry of kind 'address' needs 'addresses'")
        }
        if let name, entry.kind != .address, Correlator.primaryKey(name).isEmpty {
            report(Self.key(path, "name"), "'\(name)' has no letters or digits to match by")
        }
        return problems.count == before ? entry : nil
    }
}
