import Foundation
import HackWatchModel

extension Alert {
    /// The alert as stored in the outbox: everything needed to render and send it after a restart.
    package var storedJSON: JSONValue {
        var object: [String: JSONValue] = [
            "id": .string(id),
            "rule": .string(rule),
            "severity": .string(severity.rawValue),
            "template": template.map(JSONValue.string) ?? .null,
            "fired_at": .number(firedAt.timeIntervalSince1970),
            "incident": incident.jsonValue,
        ]
        // Story members: absent in rows written before schema 2, which decode as stand-alone alerts.
        object["rules"] = .array(rules.map(JSONValue.string))
        object["story"] = .string(story)
        object["revision"] = .number(Double(revision))
        if !changes.isEmpty {
            object["changes"] = .array(changes.map { change in
                .object(["field": .string(change.field), "from": change.from.map(JSONValue.string) ?? .null, "to": .string(change.to)])
            })
        }
        if let storyStarted { object["story_started"] = .number(storyStarted.timeIntervalSince1970) }
        if let storyHeadline { object["story_headline"] = .string(storyHeadline) }
        if let summary { object["summary"] = summary.jsonValue }
        return .object(object)
    }

    /// Decodes `storedJSON`.
    package init(stored json: JSONValue) throws(StoreError) {
        guard let object = json.objectValue, let id = object["id"]?.stringValue, let rule = object["rule"]?.stringValue,
              let severityName = object["severity"]?.stringValue, let severity = Severity(rawValue: severityName),
              let firedAt = object["fired_at"]?.numberValue, let incidentJSON = object["incident"] else {
            throw .corruptRow(table: "outbox", detail: "alert payload lacks id, rule, severity, fired_at or incident")
        }
        let incident: Incident
        do { incident = try Incident(json: incidentJSON) } catch { throw .corruptRow(table: "outbox", detail: error.description) }
        self.init(id: id, rule: rule, severity: severity, template: object["template"]?.stringValue, incident: incident,
                  firedAt: Date(timeIntervalSince1970: firedAt))
        if let rules = object["rules"]?.arrayValue?.compactMap(\.stringValue), !rules.isEmpty { self.rules = rules }
        if let story = object["story"]?.stringValue { self.story = story }
        if let revision = object["revision"]?.numberValue { self.revision = Int(revision) }
        changes = (object["changes"]?.arrayValue ?? []).compactMap { item in
            guard let field = item["field"]?.stringValue, let to = item["to"]?.stringValue else { return nil }
            return AlertChange(field: field, from: item["from"]?.stringValue, to: to)
        }
        storyStarted = object["story_started"]?.numberValue.map(Date.init(timeIntervalSince1970:))
        storyHeadline = object["story_headline"]?.stringValue
        summary = object["summary"].flatMap(AlertSummary.init(json:))
    }
}
