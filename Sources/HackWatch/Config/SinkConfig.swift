/// One entry of `sinks` in the config file (decoded and validated by `Config`).
///
/// Common keys are typed; the type-specific ones (`facility`, `address`, `format`, `chat_id`,
/// `routing_key`, `topic`, …) stay in `settings` for the sink's own factory to read.
public struct SinkConfig: Hashable, Sendable {
    /// Unique name, referenced by rules' `notify`.
    public var name: String
    /// `slack`, `discord`, `teams`, `mattermost`, `telegram`, `ntfy`, `pagerduty`, `webhook`, `syslog`, `stdout`.
    public var type: String
    /// Used by rules without `notify`.
    public var isDefault: Bool
    /// Alerts below this severity are not sent here.
    public var minSeverity: Severity
    /// Disabled sinks are validated but never sent to.
    public var enabled: Bool
    /// `url` / `url_env` / `url_file`, for URL-bearing sinks.
    public var url: SecretSource?
    /// `secret` / `secret_env` / `secret_file` (webhook signing key, tokens).
    public var secret: SecretSource?
    /// Every other key of the entry, as written.
    public var settings: [String: JSONValue]

    public init(name: String, type: String, isDefault: Bool = false, minSeverity: Severity = .info,
                enabled: Bool = true, url: SecretSource? = nil, secret: SecretSource? = nil,
                settings: [String: JSONValue] = [:]) {
        self.name = name
        self.type = type
        self.isDefault = isDefault
        self.minSeverity = minSeverity
        self.enabled = enabled
        self.url = url
        self.secret = secret
        self.settings = settings
    }
}
