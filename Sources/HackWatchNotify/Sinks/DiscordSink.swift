import Foundation
import HackWatchHTTP
import HackWatchModel
import HackWatchTemplates

/// Discord webhook with one embed, sent with `?wait=true` so a 200 means the message exists.
/// `allowed_mentions: {"parse": []}` stops every ping even if a mention slipped through;
/// markdown is backslash-escaped and `<` `>` replaced, so `<@id>` and masked links are inert.
/// Limits: content 2000, title 256, description 4096, field 256/1024, 6000 for the embed in all.
/// 429 carries `retry_after` (seconds) in the JSON body. Rate limit: 5 per 2 s per webhook.
package struct DiscordSink: HTTPSink {
    let endpoint: HTTPEndpoint
    /// Overrides the webhook's display name.
    let username: String?

    package init(endpoint: HTTPEndpoint, username: String? = nil) {
        self.endpoint = endpoint
        self.username = username
    }

    func request(for alert: Alert, now: Date) -> HTTPRequest {
        let separator = endpoint.url.contains("?") ? "&" : "?"
        return jsonRequest(Self.payload(for: alert, username: username),
                           url: endpoint.url + separator + "wait=true")
    }

    static func payload(for alert: Alert, username: String?) -> JSONValue {
        let facts = AlertFacts(alert)
        let headline = SafeText.singleLine(MessageTemplate.headline(for: alert))
        let title = SafeText.fit(headline, limit: 256, escape: .markdown)
        let fields: [(String, String)] = facts.facts.prefix(25).map {
            (SafeText.fit($0.label, limit: 256, escape: .markdown), SafeText.fit($0.value, limit: 1024, escape: .markdown))
        }
        let footer = SafeText.fit("hackwatch · \(alert.incident.source)", limit: 256, escape: .markdown)
        let used = title.utf16.count + footer.utf16.count + fields.reduce(0) { $0 + $1.0.utf16.count + $1.1.utf16.count }
        let budget = max(0, min(4096, 6000 - used))
        let description = SafeText.fit(MessageTemplate.text(for: alert, sinkType: "discord"), limit: budget, escape: .markdown)
        var embed: [String: JSONValue] = [
            "title": .string(title),
            "color": .number(Double(AlertFacts.color(alert.severity))),
            "timestamp": .string(Incident.formatDate(alert.firedAt)),
            "fields": .array(fields.map { .object(["name": .string($0.0), "value": .string($0.1), "inline": .bool(true)]) }),
            "footer": .object(["text": .string(footer)]),
        ]
        // Discord answers 400 for an empty description; one blank once cleaned is left out.
        if !SafeText.isBlank(description) { embed["description"] = .string(description) }
        if let url = facts.url { embed["url"] = .string(url) }
        var body: [String: JSONValue] = [
            "content": .string(SafeText.fit(headline, limit: 2000, escape: .markdown)),
            "allowed_mentions": .object(["parse": .array([])]),
            "embeds": .array([.object(embed)]),
        ]
        if let username, !SafeText.isBlank(username) { body["username"] = .string(SafeText.fit(SafeText.singleLine(username), limit: 80)) }
        return .object(body)
    }

    func verdict(for response: HTTPResponse, now: Date) -> SinkResult {
        let standard = HTTPVerdict.standard(response, now: now)
        guard case .retry(let after, let reason) = standard, response.status == 429 else { return standard }
        // Discord's body hint is more precise than the header (fractional seconds).
        let hint = (try? JSONValue.parse(response.body))?["retry_after"]?.numberValue
        return .retry(after: hint ?? after, reason: reason)
    }
}
