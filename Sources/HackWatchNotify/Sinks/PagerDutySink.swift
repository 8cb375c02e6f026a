import Foundation
import HackWatchHTTP
import HackWatchModel
import HackWatchTemplates

/// PagerDuty Events API v2 `trigger` events. `dedup_key` is the alert id, so a resend after a
/// crash updates the same PagerDuty alert instead of opening a second one. Severity maps
/// critical→critical, high→error, medium→warning, low/info→info. The summary is plain text,
/// mentions defanged, at most 1,024 characters. Expects 202; 429 and 5xx retry, 400 is dead.
package struct PagerDutySink: HTTPSink {
    let endpoint: HTTPEndpoint
    let routingKey: String

    /// The public Events API v2 endpoint (overridable with `url`).
    package static let defaultURL = "https://events.pagerduty.com/v2/enqueue"

    package init(endpoint: HTTPEndpoint, routingKey: String) {
        self.endpoint = endpoint
        self.routingKey = routingKey
    }

    func request(for alert: Alert, now: Date) -> HTTPRequest {
        jsonRequest(Self.payload(for: alert, routingKey: routingKey))
    }

    static func severity(_ severity: Severity) -> String {
        switch severity {
        case .critical: "critical"
        case .high: "error"
        case .medium: "warning"
        case .low, .info: "info"
        }
    }

    static func payload(for alert: Alert, routingKey: String) -> JSONValue {
        let incident = alert.incident
        let facts = AlertFacts(alert)
        let summary = SafeText.fit(SafeText.singleLine(MessageTemplate.text(for: alert, sinkType: "pagerduty")), limit: 1024)
        var details: [String: JSONValue] = [:]
        for fact in facts.facts { details[fact.label.lowercased()] = .string(SafeText.fit(fact.value, limit: 1000)) }
        details["name"] = .string(SafeText.fit(incident.name, limit: 1000))
        // Every field but custom_details is one line; required ones fall back when blank.
        func line(_ text: String, _ limit: Int) -> String { SafeText.fit(SafeText.singleLine(text), limit: limit) }
        var payload: [String: JSONValue] = [
            "summary": .string(SafeText.isBlank(summary) ? line(MessageTemplate.headline(for: alert), 1024) : summary),
            "source": .string(SafeText.isBlank(incident.source) ? "hackwatch" : line(incident.source, 255)),
            "severity": .string(severity(alert.severity)),
            "timestamp": .string(Incident.formatDate(alert.firedAt)),
            "custom_details": .object(details),
        ]
        if !SafeText.isBlank(incident.name) { payload["component"] = .string(line(incident.name, 255)) }
        payload["class"] = .string(line(SafeText.isBlank(incident.technique) ? "hack" : incident.technique ?? "hack", 255))
        let chains = incident.chains.filter { !SafeText.isBlank($0) }
        if !chains.isEmpty { payload["group"] = .string(line(chains.joined(separator: ","), 255)) }
        var body: [String: JSONValue] = [
            "routing_key": .string(routingKey),
            "event_action": .string("trigger"),
            "dedup_key": .string(alert.story),  // updates revise the same PagerDuty alert
            "client": .string("hackwatch"),
            "payload": .object(payload),
        ]
        if let url = facts.url { body["links"] = .array([.object(["href": .string(url), "text": .string("Report")])]) }
        return .object(body)
    }
}
