import Foundation
import HackWatchModel
import HackWatchTemplates

/// The JSON document the `webhook` and `stdout` sinks send:
/// `{"type": "incident.created" | "incident.updated", "id" (the incident's story id, the same for
/// its updates), "delivery_id" (this message), "revision", "rules", "rule", "severity",
/// "fired_at", "message", "incident": {…}}` plus, on updates, `"changes": {"loss": {"from", "to"}}`
/// with the incident's fields named as in RULES.md §2. Feed strings are cleaned of control
/// characters, mentions defanged and cut at 4,000 characters; the serialization escapes
/// `<` `>` `&` (`\u003c`), so relaying the body into chat or HTML injects nothing.
package enum AlertPayload {
    /// The payload as a JSON value.
    package static func json(for alert: Alert, sinkType: String = "webhook") -> JSONValue {
        var members: [String: JSONValue] = [
            "type": .string(alert.isUpdate ? "incident.updated" : "incident.created"),
            "id": .string(alert.story),
            "delivery_id": .string(alert.id),
            "revision": .number(Double(alert.revision)),
            "rules": .array(alert.rules.map { .string(SafeText.fit($0, limit: 4000)) }),
            "rule": .string(alert.rule),
            "severity": .string(alert.severity.rawValue),
            "fired_at": .string(Incident.formatDate(alert.firedAt)),
            "message": .string(SafeText.fit(MessageTemplate.text(for: alert, sinkType: sinkType), limit: 4000)),
            "incident": incident(alert.incident),
        ]
        if let summary = alert.summary {
            // `aggregate.fired` / `digest`: the figures, cleaned like the incident's strings.
            members["type"] = .string(summary.kind == "digest" ? "digest" : "aggregate.fired")
            members["summary"] = sanitize(summary.jsonValue)
        }
        if alert.isUpdate {
            var changes: [String: JSONValue] = [:]
            for change in alert.changes {
                changes[change.field] = .object(["from": change.from.map { .string(SafeText.fit($0, limit: 4000)) } ?? .null,
                                                 "to": .string(SafeText.fit(change.to, limit: 4000))])
            }
            members["changes"] = .object(changes)
        }
        return .object(members)
    }

    /// The payload as compact, HTML-safe JSON text (keys sorted).
    package static func body(for alert: Alert, sinkType: String = "webhook") -> String {
        json(for: alert, sinkType: sinkType).htmlSafeJSON
    }

    /// `body` as the bytes sent (written once, escaped while writing).
    package static func bodyBytes(for alert: Alert, sinkType: String = "webhook") -> [UInt8] {
        json(for: alert, sinkType: sinkType).htmlSafeJSONBytes
    }

    /// The incident's JSON with every string made safe and `url` kept only when it is http(s).
    static func incident(_ incident: Incident) -> JSONValue {
        guard case .object(var members) = sanitize(incident.jsonValue) else { return .null }
        members["url"] = AlertFacts.safeURL(incident.url).map(JSONValue.string) ?? .null
        return .object(members)
    }

    static func sanitize(_ value: JSONValue) -> JSONValue {
        switch value {
        case .string(let s): .string(SafeText.fit(s, limit: 4000))
        case .array(let items): .array(items.map(sanitize))
        case .object(let members): .object(members.mapValues(sanitize))
        default: value
        }
    }
}
