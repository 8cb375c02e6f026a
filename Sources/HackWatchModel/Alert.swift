import Foundation

/// One (incident, rule) match, ready to deliver to a rule's sinks.
package struct Alert: Hashable, Sendable {
    /// Stable id: the same (incident, rule) pair always yields the same id (dedup keys, webhook-id).
    package var id: String
    /// The rule's name.
    package var rule: String
    /// The rule's severity.
    package var severity: Severity
    /// The rule's `message` template, if it has one (Mustache source).
    package var template: String?
    /// The incident that matched.
    package var incident: Incident
    /// When the rule matched.
    package var firedAt: Date

    /// Creates an alert; `id` defaults to `Alert.makeID(incident:rule:)`.
    package init(id: String? = nil, rule: String, severity: Severity, template: String? = nil,
                incident: Incident, firedAt: Date = Date()) {
        self.id = id ?? Alert.makeID(incidentID: incident.id, source: incident.source, rule: rule)
        self.rule = rule
        self.severity = severity
        self.template = template
        self.incident = incident
        self.firedAt = firedAt
    }

    /// A short hex id derived from the incident identity and rule name (FNV-1a 64, twice).
    package static func makeID(incidentID: String, source: String, rule: String) -> String {
        let key = Array("\(source)\u{1F}\(incidentID)\u{1F}\(rule)".utf8)
        func fnv(_ seed: UInt64) -> UInt64 {
            var hash: UInt64 = seed
            for byte in key { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
            return hash
        }
        let a = fnv(0xcbf2_9ce4_8422_2325), b = fnv(0x84222325_cbf29ce4)
        return String(a, radix: 16).leftPadded(16) + String(b, radix: 16).leftPadded(16)
    }
}

extension String {
    package func leftPadded(_ width: Int, with pad: Character = "0") -> String {
        count >= width ? self : String(repeating: pad, count: width - count) + self
    }
}
