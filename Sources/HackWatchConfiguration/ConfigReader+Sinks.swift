import Foundation
import HackWatchModel

extension SinkConfig {
    /// Sink `type` values (notify's `SinkFactory.types` should list the same).
    package static let types = ["slack", "discord", "teams", "mattermost", "telegram", "ntfy", "pagerduty", "webhook", "syslog", "stdout"]
    /// Types that post to a URL and so need exactly one of `url`, `url_env`, `url_file`.
    package static let urlTypes: Set<String> = ["slack", "discord", "teams", "mattermost", "ntfy", "webhook"]
    /// Types that never use a URL or secret.
    package static let localTypes: Set<String> = ["syslog", "stdout"]
    /// Keys every sink shares; any other key is type-specific and kept in `settings`.
    package static let commonKeys = [
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
        let typos = commonKeyTypos(members, at: path)
        for (key, setting) in members where !SinkConfig.commonKeys.contains(key) && !typos.contains(key) {
            sink.settings[key] = setting
        }
        // Slack's optional bot token file resolves like `secret_file` (relative to the config).
        if let token = sink.settings["token_file"]?.stringValue, !token.hasPrefix("$") { sink.settings["token_file"] = .string(resolver.resolve(token)) }
        guard let type else { return nil }
        if let validator = sinkValidator {
            // SINK-VALIDATION HOOK call site: the sink factory checks type-specific keys.
            for problem in validator(sink) { reportRelative(problem, at: path) }
        } else {
            commonSinkChecks(members, type: type, at: path)
        }
        guard name != nil else { return nil }
        return sink
    }

    /// Without a sink validator: the URL rules, worded as `SinkFactory.validate` words them.
    private mutating func commonSinkChecks(_ members: [String: JSONValue], type: String, at path: ConfigPath) {
        if let literal = members["url"]?.stringValue, !["http://", "https://"].contains(where: literal.lowercased().hasPrefix) {
            // Never echo the value: a mistyped webhook URL is still a secret.
            report(path.key("url"), "must be an http:// or https:// URL")
        }
        if SinkConfig.urlTypes.contains(type) && !["url", "url_env", "url_file"].contains(where: { members[$0] != nil })
            && !(type == "slack" && members["token_file"] != nil) {
            report(path.key("url"), "sink type '\(type)' needs one of url, url_env, url_file")
        }
        if SinkConfig.localTypes.contains(type) {
            for (base, keys) in [("url", ["url", "url_env", "url_file"]), ("secret", ["secret", "secret_env", "secret_file"])]
            where keys.contains(where: { members[$0] != nil }) {
                report(path.key(base), "sink type '\(type)' takes no \(base)")
            }
        }
    }

    /// Keys that are near-misses of the shared keys (`defualt`, `min_severty`): reported here with
    /// a did-you-mean and kept out of `settings`, so the type-specific check does not repeat them.
    private mutating func commonKeyTypos(_ members: [String: JSONValue], at path: ConfigPath) -> Set<String> {
        var typos: Set<String> = []
        for key in members.keys.sorted() where !SinkConfig.commonKeys.contains(key) && key.count >= 4 {
            if let near = Suggest.nearest(key, in: SinkConfig.commonKeys, within: 2) {
                report(path.key(key), "unknown key '\(key)'; did you mean '\(near)'?")
                typos.insert(key)
            }
        }
        return typos
    }

    /// `<base>`, `<base>_env` or `<base>_file`: at most one of them.
    private mutating func secretSource(_ members: [String: JSONValue], base: String, at path: ConfigPath, resolver: PathResolver) -> SecretSource? {
        let keys = [base, "\(base)_env", "\(base)_file"]
        let present = keys.filter { members[$0] != nil }
        // A source that is given but wrong still counts as given (`.environment("")`, never used:
        // the config is refused), so the sink check does not also call it missing.
        let given: SecretSource? = present.isEmpty ? nil : .environment("")
        if present.count > 1 {
            report(path.key(present[1]), "'\(present[0])' and '\(present[1])' are exclusive; give only one")
            return given
        }
        if let value = members[base] {
            guard case .string(let text) = value, !text.isEmpty else {
                report(path.key(base), value.stringValue == nil ? "expected a string, got \(value.typeName)" : "must not be empty")
                return given
            }
            return .literal(text)
        }
        if let variable = string(members, "\(base)_env", at: path) {
            let valid = variable.first.map { $0 == "_" || ($0.isASCII && $0.isLetter) } == true
                && variable.allSatisfy { $0 == "_" || ($0.isASCII && ($0.isLetter || $0.isNumber)) }
            guard valid else {
                report(path.key("\(base)_env"), "'\(variable)' is not an environment variable name")
                return given
            }
            return .environment(variable)
        }
        if let file = string(members, "\(base)_file", at: path) {
            // `$CREDENTIALS_DIRECTORY/...` expands when read; other relative paths follow the config.
            return .file(file.hasPrefix("$") ? file : resolver.resolve(file))
        }
        return given
    }
}
