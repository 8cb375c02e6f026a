import HackWatchModel
/// One entry of `sinks` in the config file (decoded and validated by `Config`).
///
/// Common keys are typed; the type-specific ones (`facility`, `address`, `format`, `chat_id`,
/// `routing_key`, `topic`, …) stay in `settings` for the sink's own factory to read.
package struct SinkConfig: Hashable, Sendable {
    /// Unique name, referenced by rules' `notify`.
    package var name: String
    /// `slack`, `discord`, `teams`, `mattermost`, `telegram`, `ntfy`, `pagerduty`, `webhook`, `syslog`, `stdout`.
    package var type: String
    /// Used by rules without `notify`.
    package var isDefault: Bool
    /// Alerts below this severity are not sent here.
    package var minSeverity: Severity
    /// Disabled sinks are validated but never sent to.
    package var enabled: Bool
    /// `url` / `url_env` / `url_file`, for URL-bearing sinks.
    package var url: SecretSource?
    /// `secret` / `secret_env` / `secret_file` (webhook signing key, tokens).
    package var secret: SecretSource?
    /// Every other key of the entry, as written.
    package var settings: [String: JSONValue]

    package init(name: String, type: String, isDefault: Bool = false, minSeverity: Severity = .info,
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
