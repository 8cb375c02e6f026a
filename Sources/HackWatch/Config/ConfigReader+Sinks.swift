import Foundation

extension SinkConfig {
    /// Sink `type` values (notify's `SinkFactory.types` should list the same).
    public static let types = ["slack", "discord", "teams", "mattermost", "telegram", "ntfy", "pagerduty", "webhook", "syslog", "stdout"]
    /// Types that post to a URL and so need exactly one of `url`, `url_env`, `url_file`.
    public static let urlTypes: Set<String> = ["slack", "discord", "teams", "mattermost", "ntfy", "webhook"]
    /// Types that never use a URL or secret.
    public static let localTypes: Set<String> = ["syslog", "stdout"]
    /// Keys every sink shares; any other key is type-specific and kept in `settings`.
    public static let commonKeys = [
        "name", "type", "default", "min_severity", "enabled",
        "url", "url_env", "url_file", "secret", "secret_env", "secret_file",
    ]
}

extension ConfigReader {
    /// One `sinks` entry; nil when `name` or `type` is missing or wrong.
    mutating func sink(_ value: JSONValue, at path: ConfigPath, resolver: PathResolver) -> SinkConfig? {
        guard let members = object(value, at: path) else { return nil }
        let name = name(members, at: path)
        let type = choice(members, "type", among: SinkConfig.types, what: "sink type", at: path)
        if members["type"] == nil { report(path.key("type"), "required key is missing (one of \(SinkConfig.types.joined(separator: ", ")))") }

        var sink = SinkConfig(name: name ?? "", type: type ?? "")
        sink.isDefault = bool(members, "default", at: path) ?? false
        sink.enabled = bool(members, "enabled", at: path) ?? true
        if let level = choice(members, "min_severity", among: Severity.allCases.map(\.rawValue), what: "severity", at: path) {
            sink.minSeverity = Severity(rawValue: level) ?? .info
        }
        sink.url = secretSource(members, base: "url", at: path, resolver: resolver)
        sink.secret = secretSource(members, base: "secret", at: path, resolver: resolver)
        if let literal = members["url"]?.stringValue, !["http://", "https://"].contains(where: literal.lowercased().hasPrefix) {
            // Never echo the value: a mistyped webhook URL is still a secret.
            report(path.key("url"), "expected an http:// or https:// URL")
        }
        for (key, setting) in members where !SinkConfig.commonKeys.contains(key) {
            sink.settings[key] = setting
        }
        guard let type else { return nil }

        if SinkConfig.urlTypes.contains(type) && sink.url == nil && !["url", "url_env", "url_file"].contains(where: { members[$0] != nil }) {
            report(path, "sink type '\(type)' needs one of 'url', 'url_env', 'url_file'")
        }
        if SinkConfig.localTypes.contains(type) {
            for key in SinkConfig.commonKeys.dropFirst(5) where members[key] != nil {
                report(path.key(key), "not used by sink type '\(type)'")
            }
        }
        if let validator = sinkValidator {
            // SINK-VALIDATION HOOK call site: type-specific keys (unknown ones included).
            for problem in validator(sink) { reportRelative(problem, at: path) }
        } else {
            // Until the sink factory checks type-specific keys, catch typos of the common ones.
            for key in members.keys.sorted() where !SinkConfig.commonKeys.contains(key) {
                if let near = JSONMapping.suggestion(for: key, among: SinkConfig.commonKeys),
                   JSONMapping.editDistance(key.lowercased(), near) <= 2, key.count >= 4 {
                    report(path.key(key), "unknown key '\(key)'; did you mean '\(near)'?")
                }
            }
        }
        guard name != nil else { return nil }
        return sink
    }

    /// `<base>`, `<base>_env` or `<base>_file`: at most one of them.
    private mutating func secretSource(_ members: [String: JSONValue], base: String, at path: ConfigPath, resolver: PathResolver) -> SecretSource? {
        let keys = [base, "\(base)_env", "\(base)_file"]
        let present = keys.filter { members[$0] != nil }
        if present.count > 1 {
            report(path.key(present[1]), "'\(present[0])' and '\(present[1])' are exclusive; give only one")
            return nil
        }
        if let value = members[base] {
            guard case .string(let text) = value, !text.isEmpty else {
                report(path.key(base), value.stringValue == nil ? "expected a string, got \(value.typeName)" : "must not be empty")
                return nil
            }
            return .literal(text)
        }
        if let variable = string(members, "\(base)_env", at: path) {
            let valid = variable.first.map { $0 == "_" || ($0.isASCII && $0.isLetter) } == true
                && variable.allSatisfy { $0 == "_" || ($0.isASCII && ($0.isLetter || $0.isNumber)) }
            guard valid else {
                report(path.key("\(base)_env"), "'\(variable)' is not an environment variable name")
                return nil
            }
            return .environment(variable)
        }
        if let file = string(members, "\(base)_file", at: path) {
            // `$CREDENTIALS_DIRECTORY/...` expands when read; other relative paths follow the config.
            return .file(file.hasPrefix("$") ? file : resolver.resolve(file))
        }
        return nil
    }
}
