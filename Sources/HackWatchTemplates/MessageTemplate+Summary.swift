import HackWatchModel

extension MessageTemplate {
    /// Characters a summary's text may take per sink type, below each platform's limit once
    /// the sink's own structure is added: Slack section 3,000; Discord description 4,096 with
    /// 6,000 for the whole embed (the fields take their share); Telegram 4,096; Mattermost and
    /// ntfy 4,000; Teams cards ~28 KB; syslog, PagerDuty's summary (1,024) and the JSON
    /// `message` of webhook/stdout short. `top` rows, then breakdown rows, go first.
    package static let summaryLimits: [String: Int] = [
        "slack": 2900, "discord": 3500, "telegram": 3900, "mattermost": 3900, "ntfy": 3900, "teams": 12000,
        "pagerduty": 1000, "syslog": 900, "webhook": 3900, "stdout": 3900,
    ]

    /// The limit for `sinkType` (unknown types get the smallest chat limit).
    package static func summaryLimit(for sinkType: String) -> Int { summaryLimits[sinkType] ?? 2900 }
}
