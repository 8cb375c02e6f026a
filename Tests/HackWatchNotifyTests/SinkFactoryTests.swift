import Foundation
import Testing
@testable import HackWatchConfiguration
@testable import HackWatchModel
@testable import HackWatchNotify

@Suite struct SinkFactoryTests {
    static func config(_ type: String, url: String? = "https://hooks.example/T0/B0/SECRET", secret: String? = nil,
                       _ settings: [String: JSONValue] = [:]) -> SinkConfig {
        SinkConfig(name: "s", type: type, url: url.map(SecretSource.literal), secret: secret.map(SecretSource.literal),
                   settings: settings)
    }

    /// Exact messages for each kind of problem.
    @Test(arguments: [
        (config("slak"), ["type: unknown sink type 'slak'; did you mean 'slack'?"]),
        (config("slack", ["chanel": .string("#x")]), ["chanel: unknown key for sink type 'slack'; did you mean 'channel'?"]),
        (config("discord", ["usernme": .string("x")]), ["usernme: unknown key for sink type 'discord'; did you mean 'username'?"]),
        (config("slack", url: nil), ["url: sink type 'slack' needs one of url, url_env, url_file"]),
        (config("webhook", url: "ftp://x/y"), ["url: must be an http:// or https:// URL"]),
        (config("stdout"), ["url: sink type 'stdout' takes no url"]),
        (config("slack", secret: "x"), ["secret: sink type 'slack' takes no secret"]),
        (config("webhook", secret: "whsec_%%%"), ["secret: signing secret is not base64 after the 'whsec_' prefix"]),
        (config("telegram", url: nil), ["secret: sink type 'telegram' needs the bot token in secret, secret_env or secret_file",
                                        "chat_id: sink type 'telegram' needs chat_id"]),
        (config("telegram", url: nil, secret: "1:A", ["chat_id": .bool(true)]), ["chat_id: expected a chat id (number) or @channel name (string)"]),
        (config("pagerduty", url: nil), ["secret: sink type 'pagerduty' needs the routing key in secret, secret_env, secret_file or routing_key"]),
        (config("syslog", url: nil, ["facility": .string("deamon")]), ["facility: unknown facility 'deamon'; did you mean 'daemon'?"]),
        (config("syslog", url: nil, ["address": .string("udp://x")]), ["address: expected udp://host:port or tcp://host:port"]),
        (config("syslog", url: nil, ["format": .string("rfc9999")]), ["format: expected \"rfc3164\" or \"rfc5424\""]),
        (config("slack", ["timeout": .string("soon")]), ["timeout: expected a positive duration like \"15s\""]),
        (config("slack", ["rate_limit": .number(0)]), ["rate_limit: expected a positive number of messages per second"]),
        (config("mattermost", ["channel": .number(1)]), ["channel: expected a string"]),
        (config("webhook", ["senders": .number(0)]), ["senders: expected a whole number from 1 to 16"]),
        (config("webhook", ["senders": .number(17)]), ["senders: expected a whole number from 1 to 16"]),
        (config("ntfy", ["senders": .number(2.5)]), ["senders: expected a whole number from 1 to 16"]),
        (config("webhook", ["senders": .number(1e300)]), ["senders: expected a whole number from 1 to 16"]),
        (config("webhook", ["senders": .string("4")]), ["senders: expected a whole number from 1 to 16"]),
        (config("slack", ["senders": .number(4)]), ["senders: unknown key for sink type 'slack'"]),
    ])
    func validationMessages(config: SinkConfig, expected: [String]) {
        #expect(SinkFactory.validate(config) == expected)
    }

    @Test(arguments: [
        config("slack"), config("discord", ["username": .string("hw")]), config("teams"),
        config("mattermost", ["channel": .string("town-square")]),
        config("telegram", url: nil, secret: "1:A", ["chat_id": .string("@hacks")]),
        config("ntfy", secret: "tk"), config("pagerduty", url: nil, ["routing_key": .string("R")]),
        config("webhook", secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", ["timeout": .string("5s"), "rate_limit": .number(2)]),
        config("syslog", url: nil, ["facility": .string("local0"), "address": .string("tcp://127.0.0.1:601"), "format": .string("rfc5424")]),
        config("stdout", url: nil),
    ])
    func validConfigsBuild(config: SinkConfig) throws {
        #expect(SinkFactory.validate(config) == [])
        let sink = try SinkFactory.make(config, environment: [:])
        #expect(sink.name == "s")
    }

    @Test func typesAreTheDocumentedTen() {
        #expect(SinkFactory.types == ["slack", "discord", "teams", "mattermost", "telegram", "ntfy", "pagerduty", "webhook", "syslog", "stdout"])
    }

    @Test func rateLimitsDefaultPerDestination() throws {
        #expect(try SinkFactory.make(Self.config("slack"), environment: [:]).minimumInterval == 1)
        #expect(try SinkFactory.make(Self.config("webhook"), environment: [:]).minimumInterval == 0)
        #expect(try SinkFactory.make(Self.config("slack", ["rate_limit": .number(4)]), environment: [:]).minimumInterval == 0.25)
    }

    /// Secrets come from the environment at build time; errors name the variable, never a value.
    @Test func secretsResolveAndErrorsHideThem() throws {
        var config = SinkConfig(name: "chat", type: "slack", url: .environment("HW_SLACK_URL"))
        #expect(throws: SinkError.secret(sink: "chat", error: .missingEnvironment("HW_SLACK_URL"))) {
            try SinkFactory.make(config, environment: [:])
        }
        _ = try SinkFactory.make(config, environment: ["HW_SLACK_URL": "https://hooks.slack.com/services/T/B/X"])
        config.url = .environment("HW_BAD")
        do {
            _ = try SinkFactory.make(config, environment: ["HW_BAD": "ftp://hooks/SECRETPART"])
            Issue.record("a non-http URL must be refused")
        } catch {
            #expect(error.description == "sink 'chat': url: must be an http:// or https:// URL")
        }
    }
}
