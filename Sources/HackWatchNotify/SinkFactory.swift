import Foundation
import HackWatchConfiguration
import HackWatchHTTP
import HackWatchModel

/// Builds sinks from config entries and checks their type-specific keys.
///
/// Keys per type (besides `name`, `type`, `default`, `min_severity`, `enabled`):
///
/// | type | needs | optional |
/// |---|---|---|
/// | slack, discord, teams, mattermost, webhook, ntfy | `url`/`url_env`/`url_file` | `timeout`, `rate_limit` |
/// | discord | | `username` |
/// | mattermost | | `channel`, `username` |
/// | webhook | | `secret*` (`whsec_…` signing key), `senders` |
/// | ntfy | | `secret*` (access token), `senders` |
/// | telegram | `secret*` (bot token), `chat_id` | `url` (API base) |
/// | pagerduty | `secret*` or `routing_key` | `url` (Events API endpoint), `senders` |
/// | syslog | | `facility`, `address` (`udp://h:p`, `tcp://h:p`), `format` (`rfc3164`, `rfc5424`) |
/// | stdout | | |
///
/// `rate_limit` is messages per second (default: Slack 1, Discord 2.5, Telegram 1, Teams 4,
/// others unlimited); `timeout` a duration (default 15s). `senders` (1 to 16, default 1) is how
/// many deliveries may be in flight at once, for destinations without a rate limit or an order
/// to keep; a sink with a `rate_limit` sends one at a time whatever it says.
package enum SinkFactory {
    /// Every sink type, in documentation order.
    package static let types = ["slack", "discord", "teams", "mattermost", "telegram", "ntfy", "pagerduty", "webhook", "syslog", "stdout"]

    static let httpKeys: Set<String> = ["timeout", "rate_limit"]
    static let extraKeys: [String: Set<String>] = [
        "slack": httpKeys.union(SlackBotSink.keys), "discord": httpKeys.union(["username"]), "teams": httpKeys,
        "mattermost": httpKeys.union(["channel", "username"]), "telegram": httpKeys.union(["chat_id"]),
        "ntfy": httpKeys.union(["senders"]), "pagerduty": httpKeys.union(["routing_key", "senders"]),
        "webhook": httpKeys.union(["senders"]),
        "syslog": ["facility", "address", "format"], "stdout": [],
    ]
    static let urlRequired: Set<String> = ["slack", "discord", "teams", "mattermost", "ntfy", "webhook"]
    static let urlAllowed: Set<String> = urlRequired.union(["telegram", "pagerduty"])
    static let secretAllowed: Set<String> = ["webhook", "ntfy", "telegram", "pagerduty"]

    /// Default least interval between sends per type (destination rate limits).
    static func defaultInterval(_ type: String) -> TimeInterval {
        switch type {
        case "slack", "telegram": 1.0
        case "discord": 0.4
        case "teams": 0.25
        default: 0
        }
    }

    /// Problems with the entry's type-specific keys, each `key: message` (empty when fine).
    /// Secrets are not read here (the environment may differ at run time), except that a
    /// literal webhook `secret` must be a usable `whsec_` key.
    package static func validate(_ config: SinkConfig) -> [String] {
        guard let allowed = extraKeys[config.type] else {
            let suggestion = closest(config.type, among: types).map { "; did you mean '\($0)'?" } ?? ""
            return ["type: unknown sink type '\(config.type)'\(suggestion)"]
        }
        var problems: [String] = []
        for key in config.settings.keys.sorted() where !allowed.contains(key) {
            let suggestion = closest(key, among: Array(allowed)).map { "; did you mean '\($0)'?" } ?? ""
            problems.append("\(key): unknown key for sink type '\(config.type)'\(suggestion)")
        }
        problems += SlackBotSink.problems(config)
        if urlRequired.contains(config.type), config.url == nil, !SlackBotSink.isBot(config) {
            problems.append("url: sink type '\(config.type)' needs one of url, url_env, url_file")
        }
        if config.url != nil, !urlAllowed.contains(config.type) {
            problems.append("url: sink type '\(config.type)' takes no url")
        }
        if case .literal(let url)? = config.url, !url.lowercased().hasPrefix("http://"), !url.lowercased().hasPrefix("https://") {
            problems.append("url: must be an http:// or https:// URL")
        }
        if config.secret != nil, !secretAllowed.contains(config.type) {
            problems.append("secret: sink type '\(config.type)' takes no secret")
        }
        if case .literal(let secret)? = config.secret, config.type == "webhook" {
            do { _ = try WebhookSigner(secret: secret) } catch { problems.append("secret: \(error.description)") }
        }
        problems += typeSpecificProblems(config)
        if let timeout = config.settings["timeout"], duration(timeout) == nil {
            problems.append("timeout: expected a positive duration like \"15s\"")
        }
        if let rate = config.settings["rate_limit"], !(rate.numberValue.map { $0 > 0 && $0.isFinite } ?? false) {
            problems.append("rate_limit: expected a positive number of messages per second")
        }
        if let senders = config.settings["senders"], !(senders.numberValue.map { $0 >= 1 && $0 <= Double(maxSenders) && $0 == $0.rounded() } ?? false) {
            problems.append("senders: expected a whole number from 1 to \(maxSenders)")
        }
        return problems
    }

    /// The most deliveries one sink may have in flight.
    static let maxSenders = 16

    private static func typeSpecificProblems(_ config: SinkConfig) -> [String] {
        var problems: [String] = []
        switch config.type {
        case "telegram":
            if config.secret == nil { problems.append("secret: sink type 'telegram' needs the bot token in secret, secret_env or secret_file") }
            switch config.settings["chat_id"] {
            case nil: problems.append("chat_id: sink type 'telegram' needs chat_id")
            case .string(let s)? where !s.isEmpty: break
            case .number(let n)? where n == n.rounded(): break
            default: problems.append("chat_id: expected a chat id (number) or @channel name (string)")
            }
        case "pagerduty":
            if config.secret == nil, config.settings["routing_key"] == nil {
                problems.append("secret: sink type 'pagerduty' needs the routing key in secret, secret_env, secret_file or routing_key")
            }
            if let key = config.settings["routing_key"], key.stringValue?.isEmpty ?? true {
                problems.append("routing_key: expected a non-empty string")
            }
        case "syslog":
            if let facility = config.settings["facility"] {
                if let name = facility.stringValue, SyslogFormat.facilities[name.lowercased()] == nil {
                    let suggestion = closest(name, among: Array(SyslogFormat.facilities.keys)).map { "; did you mean '\($0)'?" } ?? ""
                    problems.append("facility: unknown facility '\(name)'\(suggestion)")
                } else if facility.stringValue == nil {
                    problems.append("facility: expected a facility name like \"daemon\" or \"local0\"")
                }
            }
            if let address = config.settings["address"], address.stringValue.flatMap(SyslogSink.parseAddress) == nil {
                problems.append("address: expected udp://host:port or tcp://host:port")
            }
            if let format = config.settings["format"], format.stringValue.flatMap(SyslogFormat.init(rawValue:)) == nil {
                problems.append("format: expected \"rfc3164\" or \"rfc5424\"")
            }
        case "discord", "mattermost":
            for key in ["username", "channel"] where config.settings[key] != nil && config.settings[key]?.stringValue == nil {
                problems.append("\(key): expected a string")
            }
        default:
            break
        }
        return problems
    }

    /// Builds the sink for `config`, reading its secrets from `environment` / files now.
    package static func make(_ config: SinkConfig, client: HTTPClient = HTTPClient(),
                            environment: [String: String] = ProcessInfo.processInfo.environment) throws(SinkError) -> any Sink {
        let name = config.name
        if let problem = validate(config).first {
            guard let colon = problem.firstIndex(of: ":") else { throw .invalidValue(sink: name, key: "sink", message: problem) }
            throw .invalidValue(sink: name, key: String(problem[..<colon]),
                                message: problem[problem.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        func resolve(_ source: SecretSource?) throws(SinkError) -> String? {
            guard let source else { return nil }
            do { return try source.resolve(environment: environment) } catch { throw .secret(sink: name, error: error) }
        }
        let url = try resolve(config.url)
        let secret = try resolve(config.secret)
        func endpoint(_ fallbackURL: String? = nil) throws(SinkError) -> HTTPEndpoint {
            guard let target = url ?? fallbackURL else { throw .missingKey(sink: name, key: "url") }
            let lower = target.lowercased()
            guard lower.hasPrefix("http://") || lower.hasPrefix("https://") else {
                throw .invalidValue(sink: name, key: "url", message: "must be an http:// or https:// URL")
            }
            let timeout = config.settings["timeout"].flatMap(duration) ?? TimeSpan(seconds: 15)
            let interval = config.settings["rate_limit"]?.numberValue.map { 1 / $0 } ?? defaultInterval(config.type)
            let senders = config.settings["senders"]?.numberValue.map { Int($0) } ?? 1
            return HTTPEndpoint(name: name, url: target, client: client, timeout: timeout, minimumInterval: interval, senders: senders)
        }
        let settings = config.settings
        switch config.type {
        case "slack" where SlackBotSink.isBot(config):
            return try SlackBotSink.make(config, endpoint: try endpoint(SlackBotSink.defaultAPI), environment: environment)
        case "slack": return SlackSink(endpoint: try endpoint())
        case "discord": return DiscordSink(endpoint: try endpoint(), username: settings["username"]?.stringValue)
        case "teams": return TeamsSink(endpoint: try endpoint())
        case "mattermost":
            return MattermostSink(endpoint: try endpoint(), channel: settings["channel"]?.stringValue,
                                  username: settings["username"]?.stringValue)
        case "telegram":
            guard let token = secret else { throw .missingKey(sink: name, key: "secret") }
            return TelegramSink(endpoint: try endpoint("https://api.telegram.org"), token: token,
                                chatID: settings["chat_id"] ?? .null)
        case "ntfy": return NtfySink(endpoint: try endpoint(), token: secret)
        case "pagerduty":
            guard let key = secret ?? settings["routing_key"]?.stringValue else { throw .missingKey(sink: name, key: "secret") }
            return PagerDutySink(endpoint: try endpoint(PagerDutySink.defaultURL), routingKey: key)
        case "webhook":
            var signer: WebhookSigner?
            if let secret {
                do { signer = try WebhookSigner(secret: secret) } catch {
                    throw .invalidValue(sink: name, key: "secret", message: error.description)
                }
            }
            return WebhookSink(endpoint: try endpoint(), signer: signer)
        case "syslog":
            let facility = settings["facility"]?.stringValue.flatMap { SyslogFormat.facilities[$0.lowercased()] } ?? 3
            let transport = settings["address"]?.stringValue.flatMap(SyslogSink.parseAddress) ?? .local
            let format = settings["format"]?.stringValue.flatMap(SyslogFormat.init(rawValue:))
            return SyslogSink(name: name, facility: facility, transport: transport, format: format)
        case "stdout": return StdoutSink(name: name)
        default: throw .unknownType(sink: name, type: config.type)
        }
    }

    private static func duration(_ value: JSONValue) -> TimeSpan? {
        switch value {
        case .number(let n) where n > 0 && n.isFinite: TimeSpan(seconds: n)
        case .string(let s): TimeSpan(parsing: s).flatMap { $0.seconds > 0 ? $0 : nil }
        default: nil
        }
    }

    /// The candidate within edit distance 2 of `word`, for "did you mean".
    static func closest(_ word: String, among candidates: [String]) -> String? {
        Suggest.nearest(word, in: candidates.sorted(), within: 2)
    }
}
