import Foundation
import HackWatchModel

extension Alert {
    /// The alert as stored in the outbox: everything needed to render and send it after a restart.
    var storedJSON: JSONValue {
        .object([
            "id": .string(id),
            "rule": .string(rule),
            "severity": .string(severity.rawValue),
            "template": template.map(JSONValue.string) ?? .null,
            "fired_at": .number(firedAt.timeIntervalSince1970),
            "incident": incident.jsonValue,
        ])
    }

    /// Decodes `storedJSON`.
    init(stored json: JSONValue) throws(StoreError) {
        guard let object = json.objectValue, let id = object["id"]?.stringValue, let rule = object["rule"]?.stringValue,
              let severityName = object["severity"]?.stringValue, let severity = Severity(rawValue: severityName),
              let firedAt = object["fired_at"]?.numberValue, let incidentJSON = object["incident"] else {
            throw .corruptRow(table: "outbox", detail: "alert payload lacks id, rule, severity, fired_at or incident")
        }
        let incident: Incident
        do { incident = try Incident(json: incidentJSON) } catch { throw .corruptRow(table: "outbox", detail: error.description) }
        self.init(id: id, rule: rule, severity: severity, template: object["template"]?.stringValue, incident: incident,
                  firedAt: Date(timeIntervalSince1970: firedAt))
    }
}
