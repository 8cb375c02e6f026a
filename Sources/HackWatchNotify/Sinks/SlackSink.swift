import Foundation
import HackWatchHTTP
import HackWatchModel
import HackWatchTemplates

/// Slack incoming webhook: `text` fallback plus Block Kit blocks. Feed text is escaped for
/// mrkdwn (`&` `<` `>` as entities: `<!channel>`, `<@U…>` and `<url|label>` links stay inert)
/// and mentions are defanged. Limits: header 150, section text 3000, fallback 3000 characters.
/// Slack answers `200 ok`; 429 carries `Retry-After`. Rate limit: one message per second.
package struct SlackSink: HTTPSink {
    let endpoint: HTTPEndpoint

    package init(endpoint: HTTPEndpoint) { self.endpoint = endpoint }

    func request(for alert: Alert, now: Date) -> HTTPRequest {
        jsonRequest(Self.payload(for: alert))
    }

    static func payload(for alert: Alert) -> JSONValue {
        let facts = AlertFacts(alert)
        let headline = MessageTemplate.headline(for: alert)
        let text = MessageTemplate.text(for: alert, sinkType: "slack")
        var blocks: [JSONValue] = [
            .object(["type": .string("header"), "text": .object([
                "type": .string("plain_text"), "emoji": .bool(false), "text": .string(SafeText.fit(SafeText.singleLine(headline), limit: 150)),
            ])]),
        ]
        // Slack rejects a section with empty text: a message blank once cleaned gets none.
        let section = SafeText.fit(text, limit: 3000, escape: .slack)
        if !SafeText.isBlank(section) {
            blocks.append(.object(["type": .string("section"), "text": .object(["type": .string("mrkdwn"), "text": .string(section)])]))
        }
        blocks += [
            .object(["type": .string("section"), "fields": .array(facts.facts.prefix(10).map { fact in
                .object(["type": .string("mrkdwn"), "text": .string(
                    "*\(fact.label)*\n" + SafeText.fit(fact.value, limit: 1900, escape: .slack))])
            })]),
        ]
        if let url = facts.url {
            blocks.append(.object(["type": .string("context"), "elements": .array([
                .object(["type": .string("mrkdwn"), "text": .string("<\(SafeText.entityLinkTarget(url))|Report>")]),
            ])]))
        }
        let fallback = SafeText.fit(headline + "\n" + text, limit: 3000, escape: .slack)
        return .object(["text": .string(fallback), "blocks": .array(blocks)])
    }
}
