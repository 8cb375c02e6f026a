import Foundation
import HackWatchConfiguration
import HackWatchModel

/// Sinks for `preview` and `notify-test`: their secret values (to redact from what is
/// printed), a preview config that works without the secrets, and stand-ins for `--type T`.
extension SinkFactory {
    /// Every secret value `config` resolves to here (its URL, `secret`, `routing_key`, Slack bot
    /// token), so output can hide each wherever it appears (Telegram's token is in the URL,
    /// PagerDuty's routing key in the body). Unresolvable ones are skipped.
    package static func secretValues(_ config: SinkConfig, environment: [String: String]) -> [String] {
        var values: [String] = []
        for source in [config.url, config.secret].compactMap({ $0 }) {
            if let value = try? source.resolve(environment: environment) { values.append(value) }
        }
        if let key = config.settings["routing_key"]?.stringValue { values.append(key) }
        if let file = config.settings["token_file"]?.stringValue,
           let token = try? SecretSource.file(file).resolve(environment: environment) { values.append(token) }
        // A webhook URL's token lives in its path and query: hide those wherever they show.
        for url in values where url.contains("://") {
            let redacted = URLRedaction.redact(url)
            if redacted.hasSuffix("/…") { values.append(String(url.dropFirst(redacted.count - 2))) }
        }
        return values
    }

    /// `text` with every occurrence of each of `secrets` replaced by `‹redacted›` (longest
    /// first, so a URL holding a token goes whole; values under 4 characters are left alone).
    package static func redact(_ text: String, secrets: [String]) -> String {
        secrets.filter { $0.count >= 4 }.sorted { $0.count > $1.count }
            .reduce(text) { $0.replacingOccurrences(of: $1, with: "‹redacted›") }
    }

    /// `config` with each `url`/`secret` that cannot be resolved here (an unset `url_env`, a
    /// credential only systemd can read) replaced by a stand-in, and one note per stand-in:
    /// a preview shows the message, which needs no secret.
    package static func previewConfig(_ config: SinkConfig, environment: [String: String]) -> (config: SinkConfig, notes: [String]) {
        func failure(_ source: SecretSource?) -> SecretError? {
            guard let source else { return nil }
            do { _ = try source.resolve(environment: environment) } catch { return error }
            return nil
        }
        var copy = config
        var notes: [String] = []
        if let error = failure(config.url) {
            copy.url = .literal("https://unresolved.invalid/")
            notes.append("url: \(error); shown with a stand-in URL")
        }
        if let error = failure(config.secret) {
            copy.secret = .literal(config.type == "webhook" ? standInSigningKey : "PREVIEW-SECRET")
            notes.append("secret: \(error); shown with a stand-in secret")
        }
        return (copy, notes)
    }

    /// A stand-in `whsec_` key (base64 of "hackwatch-preview-key"), so a preview shows a signature.
    static let standInSigningKey = "whsec_aGFja3dhdGNoLXByZXZpZXcta2V5"

    /// A sink of `type` with stand-in settings, for `preview --type T`; nil for an unknown type.
    package static func standIn(type: String) -> SinkConfig? {
        guard types.contains(type) else { return nil }
        var config = SinkConfig(name: "preview-\(type)", type: type)
        switch type {
        case "telegram":
            config.secret = .literal("PREVIEW-BOT-TOKEN")
            config.settings["chat_id"] = .string("@preview")
        case "pagerduty":
            config.settings["routing_key"] = .string("PREVIEW-ROUTING-KEY")
        case "syslog", "stdout":
            break
        default:
            config.url = .literal("https://example.invalid/\(type)")
        }
        return config
    }
}
