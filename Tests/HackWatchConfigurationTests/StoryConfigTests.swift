import Foundation
import Testing
@testable import HackWatchConfiguration
@testable import HackWatchNotify

/// Issue 11's config keys: `update_loss_share`, `alert_late_reports`, Slack's bot `token_file`.
@Suite struct StoryConfigTests {
    static func decode(_ json: String) throws(ConfigError) -> HackWatchConfig {
        try HackWatchConfig.decode(Array(json.utf8), path: "/etc/hackwatch/config.json", environment: [:],
                                   sinkValidator: { SinkFactory.validate($0) })
    }

    @Test func defaultsAndValues() throws {
        let defaults = try Self.decode("{}")
        #expect(defaults.updateLossShare == 0.10 && defaults.alertLateReports == false)
        let set = try Self.decode(#"{"update_loss_share": 0.25, "alert_late_reports": true}"#)
        #expect(set.updateLossShare == 0.25 && set.alertLateReports)
    }

    @Test(arguments: [
        (#"{"update_loss_share": 10}"#, "$.update_loss_share: expected a share between 0 and 1 (0.1 is 10%), got 10.0"),
        (#"{"alert_late_reports": "yes"}"#, "$.alert_late_reports: expected true or false, got string"),
    ])
    func badValuesAreNamed(json: String, message: String) {
        #expect(throws: ConfigError.self) { try Self.decode(json) }
        do { _ = try Self.decode(json) } catch { #expect(error.description.contains(message), "\(error.description)") }
    }

    @Test func slackBotNeedsNoWebhookURLAndResolvesItsTokenFile() throws {
        let config = try Self.decode(#"{"sinks": [{"name": "s", "type": "slack", "token_file": "credentials/slack-bot", "channel": "C123"}]}"#)
        #expect(config.sinks.first?.settings["token_file"] == .string("/etc/hackwatch/credentials/slack-bot"))
    }
}
