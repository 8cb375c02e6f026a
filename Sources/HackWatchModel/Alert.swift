import Foundation

/// One message of an incident's story, ready to deliver: the first alert (revision 0) names
/// every rule that matched in that evaluation; each later revision is an update with `changes`.
///
/// Ids: `story` is the incident's thread id (PagerDuty `dedup_key`, the webhook payload's
/// `id`); `id` is this revision's delivery id (`webhook-id`, the outbox key) — `story` itself
/// for revision 0, `story-uN` for update N. Alerts made outside a story (feed health) have
/// `story == id`.
package struct Alert: Hashable, Sendable {
    /// Stable delivery id: the same (incident, revision) always yields the same id.
    package var id: String
    /// The rule whose severity and template the message uses (the highest-severity match).
    package var rule: String
    /// Every rule this message names (`[rule]` unless grouped).
    package var rules: [String]
    /// The incident's thread id, shared by its first alert and every update.
    package var story: String
    /// 0 for the first alert, 1, 2, … for updates.
    package var revision: Int = 0
    /// What changed since the previous message (empty for a first alert).
    package var changes: [AlertChange] = []
    /// When the story's first alert fired (updates name it).
    package var storyStarted: Date?
    /// The first alert's headline, which updates name ("update to …").
    package var storyHeadline: String?
    /// The rule's severity.
    package var severity: Severity
    /// The rule's `message` template, if it has one (Mustache source).
    package var template: String?
    /// The incident that matched.
    package var incident: Incident
    /// When the rule matched.
    package var firedAt: Date
    /// Set for a message about many incidents (aggregate episode, digest): the body sinks show
    /// instead of the incident's fields. `incident` then stands for the group as a whole.
    package var summary: AlertSummary?

    /// Creates an alert; `id` defaults to `Alert.makeID(incident:rule:)`.
    package init(id: String? = nil, rule: String, severity: Severity, template: String? = nil,
                incident: Incident, firedAt: Date = Date()) {
        let id = id ?? Alert.makeID(incidentID: incident.id, source: incident.source, rule: rule)
        self.id = id
        self.rule = rule
        self.rules = [rule]
        self.story = id
        self.severity = severity
        self.template = template
        self.incident = incident
        self.firedAt = firedAt
    }

    /// True for an update to an incident that already alerted.
    package var isUpdate: Bool { revision > 0 }

    /// The thread id of an incident's story (independent of rules).
    package static func storyID(incidentID: String, source: String) -> String {
        makeID(incidentID: incidentID, source: source, rule: "\u{1E}story")
    }

    /// The delivery id of revision `revision` of `story`.
    package static func revisionID(story: String, revision: Int) -> String {
        revision == 0 ? story : "\(story)-u\(revision)"
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
