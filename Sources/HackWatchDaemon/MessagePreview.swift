import Foundation
import HackWatchConfiguration
import HackWatchModel
import HackWatchNotify
import HackWatchRules
import HackWatchTemplates

/// `hackwatch preview` and `once --dry-run --show`: per sink, exactly what an alert would send
/// (request line, headers and body, after escaping and truncation, secrets redacted) and the
/// plain rendered text. Built by the sinks' own request builders; nothing is sent and no state
/// database is opened. The unit is one `Alert` and its sinks, so another kind of message (a
/// digest) can be previewed by handing its alerts to `render`.
package enum MessagePreview {
    /// Which sinks to preview.
    package enum Target: Sendable, Equatable {
        /// The sinks the rules route the alert to, as the daemon would.
        case routed
        /// One configured sink, routed there or not (enabled or not).
        case sink(String)
        /// A stand-in sink of this type (`SinkFactory.standIn`).
        case type(String)
    }

    /// The placeholder first-message reference an `--update` preview threads to.
    package static let standInThread = "1234567890"

    /// Why a preview cannot be made. Messages name what to give instead.
    package enum PreviewError: Error, Equatable, CustomStringConvertible {
        /// `--rule` names no rule.
        case unknownRule(String, suggestion: String?)
        /// `--sink` names no configured sink.
        case unknownSink(String, suggestion: String?)
        /// `--type` names no sink type.
        case unknownType(String, suggestion: String?)

        package var description: String {
            switch self {
            case .unknownRule(let name, let hint): "no rule '\(name)'" + (hint.map { "; did you mean '\($0)'?" } ?? "")
            case .unknownSink(let name, let hint): "no sink '\(name)' in the config" + (hint.map { "; did you mean '\($0)'?" } ?? "")
            case .unknownType(let name, let hint):
                "unknown sink type '\(name)'" + (hint.map { "; did you mean '\($0)'?" } ?? "")
                    + " (types: \(SinkFactory.types.joined(separator: ", ")))"
            }
        }
    }

    /// The messages `incident` would produce, each with the sinks it goes to: the rules matching
    /// it grouped as a first alert is (`IncidentStory.first`), or only `rule` — matching or not —
    /// when given. `update` previews it as an update to an earlier alert of the same story.
    /// Empty when no rule matches or no sink is reached.
    package static func alerts(for incident: Incident, runtime: DaemonRuntime, rule: String?, target: Target,
                               update: Bool, now: Date) throws(PreviewError) -> [(alert: Alert, sinks: [SinkConfig])] {
        // The exposure and attribution overlays apply as in the pipeline (README "Exposure").
        var evaluated = runtime.overlays.apply(to: incident)
        evaluated.update = update
        let rules: [CompiledRule]
        if let rule {
            guard let found = runtime.ruleSet.rules.first(where: { $0.name == rule }) else {
                throw .unknownRule(rule, suggestion: Suggest.nearest(rule, in: runtime.ruleSet.rules.map(\.name), within: 2))
            }
            rules = [found]
        } else {
            rules = runtime.ruleSet.matches(evaluated, now: now)
        }
        let chosen = try sinkConfig(for: target, runtime: runtime)
        let matches = rules.map { rule in
            IncidentStory.Match(rule: rule.name, severity: rule.severity, template: rule.message,
                                sinks: chosen.map { [$0.name] } ?? runtime.destinations(notify: rule.notify, severity: rule.severity))
        }
        guard let firing = IncidentStory.first(evaluated, matches: matches, now: now) else { return [] }
        let configs = Dictionary(runtime.config.sinks.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        return firing.alerts.map { group in
            var alert = group.alert
            if update {
                alert.storyHeadline = MessageTemplate.headline(for: alert)
                alert.revision = 1
                alert.id = Alert.revisionID(story: alert.story, revision: 1)
                alert.storyStarted = now
            }
            return (alert, group.sinks.compactMap { chosen?.name == $0 ? chosen : configs[$0] })
        }
    }

    /// The sink `target` names: a configured one (enabled or not) or a stand-in of a type; nil
    /// for `.routed` (the rules' sinks).
    package static func sinkConfig(for target: Target, runtime: DaemonRuntime) throws(PreviewError) -> SinkConfig? {
        switch target {
        case .routed: return nil
        case .sink(let name):
            guard let config = runtime.config.sinks.first(where: { $0.name == name }) else {
                throw .unknownSink(name, suggestion: Suggest.nearest(name, in: runtime.config.sinks.map(\.name), within: 2))
            }
            return config
        case .type(let type):
            guard let config = SinkFactory.standIn(type: type) else {
                throw .unknownType(type, suggestion: Suggest.nearest(type, in: SinkFactory.types, within: 2))
            }
            return config
        }
    }

    /// The sinks each of `alerts` goes to, worked out as `IncidentStory` grouped them: a sink
    /// gets the message naming exactly the rules of that revision routed to it (`once
    /// --dry-run --show`, whose alerts come from the pipeline without their sinks).
    package static func routed(_ alerts: [Alert], runtime: DaemonRuntime) -> [(alert: Alert, sinks: [SinkConfig])] {
        let rules = Dictionary(runtime.ruleSet.rules.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        var revisionRules: [String: Set<String>] = [:]  // every rule a revision names, over its groups
        for alert in alerts { revisionRules[alert.id, default: []].formUnion(alert.rules) }
        return alerts.map { alert in
            let all = revisionRules[alert.id] ?? []
            let candidates = alert.rules.flatMap { name in
                rules[name].map { runtime.destinations(notify: $0.notify, severity: $0.severity) } ?? []
            }
            var seen: Set<String> = []
            let sinks = candidates.filter { sink in
                guard seen.insert(sink).inserted else { return false }
                let reaching = all.filter { name in
                    rules[name].map { runtime.destinations(notify: $0.notify, severity: $0.severity).contains(sink) } ?? false
                }
                return reaching == Set(alert.rules)
            }
            return (alert, sinks.compactMap { runtime.sinkConfigs[$0] })
        }
    }

    /// `incident Ronin Bridge ($624M, rekt, 2022-03-29)`, control and bidi characters removed.
    package static func heading(_ incident: Incident) -> String {
        let loss = incident.loss?.human ?? "loss unknown"
        return SafeText.clean("incident \(incident.name) (\(loss), \(incident.source), \(incident.date.map(Incident.formatDay) ?? "undated"))")
    }

    /// Per sink in `sinks`, what `alert` would send and its plain text. `thread` is the first
    /// message's reference an update threads to (nil: the stand-in for updates).
    package static func render(_ alert: Alert, sinks: [SinkConfig], thread: String? = nil,
                               environment: [String: String] = ProcessInfo.processInfo.environment, now: Date = Date()) -> String {
        var out = ""
        for config in sinks {
            let kind = alert.isUpdate ? "update (threaded to the first message's reference \(thread ?? standInThread))" : "first message"
            out += "── sink \(config.name) (\(config.type)) · \(alert.rules.joined(separator: ", ")) · \(alert.severity.rawValue) · \(kind)\n"
            let (previewConfig, notes) = SinkFactory.previewConfig(config, environment: environment)
            for note in notes { out += "note: \(note)\n" }
            let sink: any Sink
            do {
                sink = try SinkFactory.make(previewConfig, environment: environment)
            } catch {
                out += "cannot preview: \(error)\n\n"
                continue
            }
            let preview = sink.preview(alert, thread: alert.isUpdate ? thread ?? standInThread : nil, sinkType: config.type, now: now)
                .redacted(SinkFactory.secretValues(config, environment: environment))
            for message in preview.messages {
                out += message.target + "\n"
                for header in message.headers { out += "\(header.name): \(header.value)\n" }
                out += (message.headers.isEmpty ? "" : "\n") + message.body + "\n\n"
            }
            out += "text:\n" + preview.text.split(separator: "\n", omittingEmptySubsequences: false).map { "  \($0)\n" }.joined() + "\n"
        }
        return out
    }
}
