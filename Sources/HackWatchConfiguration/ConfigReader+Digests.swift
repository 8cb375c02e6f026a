import Foundation
import HackWatchModel

extension ConfigReader {
    static let digestKeys = ["name", "schedule", "window", "over", "top", "compare", "by", "notify", "severity", "skip_empty", "enabled", "comment"]

    /// `time_zone` (IANA name, default UTC) and `digests` (README "Digests"). `over` and `by`
    /// are checked where the rule language and the stats groupings are known (the runtime load).
    mutating func digests(_ members: [String: JSONValue], into config: inout HackWatchConfig, at root: ConfigPath) {
        if let name = string(members, "time_zone", at: root) {
            if let zone = TimeZone(identifier: name) { config.timeZone = zone }
            else { report(root.key("time_zone"), "unknown time zone '\(name)'; use an IANA name such as UTC or Europe/Paris") }
        }
        guard let value = members["digests"] else { return }
        guard case .array(let items) = value else { return report(root.key("digests"), "expected a list, got \(value.typeName)") }
        var seen = Set<String>()
        for (index, item) in items.enumerated() {
            let path = root.key("digests").index(index)
            guard let entry = object(item, at: path) else { continue }
            rejectUnknownKeys(entry, known: Self.digestKeys, at: path)
            guard let name = string(entry, "name", at: path, required: true) else { continue }
            if !seen.insert(name).inserted { report(path.key("name"), "duplicate digest name '\(name)'") }
            guard let text = string(entry, "schedule", at: path, required: true) else { continue }
            guard let schedule = DigestSchedule(text) else {
                report(path.key("schedule"), "invalid schedule '\(text)'; write 'mon 09:00' (weekly) or 'daily 09:00'")
                continue
            }
            var digest = DigestConfig(name: name, schedule: schedule, window: string(entry, "window", at: path) ?? (schedule.weekday == nil ? "1d" : "7d"))
            digest.over = string(entry, "over", at: path)
            if entry["top"] != nil, let top = number(entry, "top", at: path) {
                if top >= 0, top <= 50, top == top.rounded() { digest.top = Int(top) } else { report(path.key("top"), "expected a whole number from 0 to 50") }
            }
            digest.compare = string(entry, "compare", at: path)
            digest.by = string(entry, "by", at: path)
            if let notify = entry["notify"] {
                let names = notify.arrayValue?.compactMap(\.stringValue) ?? notify.stringValue.map { [$0] }
                if let names, names.allSatisfy({ name in config.sinks.isEmpty || config.sinks.contains { $0.name == name } }) {
                    digest.notify = names
                } else {
                    report(path.key("notify"), "expected sink names from 'sinks'")
                }
            }
            if let severity = choice(entry, "severity", among: Severity.allCases.map(\.rawValue), what: "severity", at: path) {
                digest.severity = Severity(rawValue: severity) ?? .info
            }
            digest.skipEmpty = bool(entry, "skip_empty", at: path) ?? false
            digest.enabled = bool(entry, "enabled", at: path) ?? true
            config.digests.append(digest)
        }
    }
}
