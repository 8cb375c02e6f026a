import Foundation
import HackWatchHTTP
import HackWatchModel
import HackWatchTemplates

/// Microsoft Teams through a Workflows ("When a Teams webhook request is received") URL: a
/// message with one Adaptive Card (TextBlocks, a FactSet, an Open-URL action). Text is escaped
/// for the Adaptive Card markdown parser (`Escaper.teams`: `[ ] )` backslash-escaped, `<` `>`
/// replaced), so no `<at>` mention or masked link gets through and no backslash shows. The whole payload is kept within 20 KB (Teams rejects ~28 KB and up).
/// Workflows answer 202 Accepted.
package struct TeamsSink: HTTPSink {
    let endpoint: HTTPEndpoint

    package init(endpoint: HTTPEndpoint) { self.endpoint = endpoint }

    /// Payload limit in UTF-8 bytes.
    static let maxBytes = 20 * 1024

    func request(for alert: Alert, now: Date) -> HTTPRequest {
        jsonRequest(bytes: Self.body(for: alert))
    }

    /// The serialized payload, its message shortened until the whole fits `maxBytes`.
    static func body(for alert: Alert) -> [UInt8] {
        let text = MessageTemplate.text(for: alert, sinkType: "teams")
        var limit = 16 * 1024
        var body = payload(for: alert, text: SafeText.fit(text, limit: limit, unit: .utf8, escape: .teams)).jsonBytes
        // JSON escaping can grow the text; shrink by the overflow until it fits.
        while body.count > maxBytes, limit > 0 {
            limit = max(0, limit - (body.count - maxBytes) - 64)
            body = payload(for: alert, text: SafeText.fit(text, limit: limit, unit: .utf8, escape: .teams)).jsonBytes
        }
        return body
    }

    static func payload(for alert: Alert, text: String) -> JSONValue {
        let facts = AlertFacts(alert)
        let headline = SafeText.fit(SafeText.singleLine(MessageTemplate.headline(for: alert)), limit: 300, unit: .utf8, escape: .teams)
        let color: String = switch alert.severity {
        case .critical, .high: "Attention"
        case .medium: "Warning"
        case .low, .info: "Default"
        }
        var card: [String: JSONValue] = [
            "$schema": .string("http://adaptivecards.io/schemas/adaptive-card.json"),
            "type": .string("AdaptiveCard"),
            "version": .string("1.4"),
            "body": .array([
                .object(["type": .string("TextBlock"), "text": .string(headline), "weight": .string("Bolder"),
                         "size": .string("Medium"), "color": .string(color), "wrap": .bool(true)]),
                .object(["type": .string("FactSet"), "facts": .array(facts.facts.map {
                    .object(["title": .string($0.label),
                             "value": .string(SafeText.fit($0.value, limit: 500, unit: .utf8, escape: .teams))])
                })]),
            ]),
        ]
        if !SafeText.isBlank(text), case .array(var blocks) = card["body"] {
            blocks.insert(.object(["type": .string("TextBlock"), "text": .string(text), "wrap": .bool(true)]), at: 1)
            card["body"] = .array(blocks)
        }
        if let url = facts.url {
            card["actions"] = .array([.object(["type": .string("Action.OpenUrl"), "title": .string("Report"), "url": .string(url)])])
        }
        return .object([
            "type": .string("message"),
            "attachments": .array([.object([
                "contentType": .string("application/vnd.microsoft.card.adaptive"),
                "contentUrl": .null,
                "content": .object(card),
            ])]),
        ])
    }
}
