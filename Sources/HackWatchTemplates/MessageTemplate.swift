import Foundation
import Mustache
import HackWatchModel

/// Alert messages: a rule's `message` (Mustache) or the sink's default layout, rendered as
/// plain text. Sinks escape the result for their destination afterwards, so a template can
/// never inject markup: `{{name}}` and `{{{name}}}` render the same plain text.
///
/// Variables: `name`, `title`, `summary`, `loss` (whole USD), `loss_human` (`$624M`),
/// `returned`, `returned_human`, `net_loss_human`, `chains` (joined with ", "), `chain_list`
/// (for sections), `technique`, `classification`, `target`, `attribution`, `bridge`, `date`
/// (YYYY-MM-DD), `source`, `sources`, `severity`, `severity_upper`, `rule`, `url`, `id`, `update`,
/// `addresses`/`transactions` (joined) and `address_list`/`transaction_list` (for sections);
/// from the exposure overlays `exposed`, `exposure` (joined), `exposure_usd`, `exposure_usd_human`,
/// `exposure_owner`, `attribution_source`.
/// Unknown values are absent, so `{{#technique}}…{{/technique}}` renders only when known.
package enum MessageTemplate {
    /// nil when `source` is a valid template; otherwise the parser's error with its position, or
    /// the first unknown variable with a "did you mean" (`check`, load and reload report it, so
    /// a bad template or a misspelled `{{los_human}}` never reaches send time).
    package static func validate(_ source: String) -> String? {
        do {
            _ = try MustacheTemplate(string: source)
            return unknownVariable(in: source).map(describe)
        } catch let error as MustacheTemplate.ParserError {
            let context = error.context
            return "invalid message template at line \(context.lineNumber), column \(context.columnNumber): \(describe(error.error))"
        } catch {
            return "invalid message template: \(error)"
        }
    }

    /// Renders `source` for `alert` as plain text. A template that does not parse (which
    /// `check` would have caught) falls back to the default layout rather than losing the alert.
    package static func render(_ source: String, alert: Alert) -> String {
        guard let template = try? MustacheTemplate(string: plainPragma + source) else {
            return render(defaultLayout, alert: alert)
        }
        return template.render(variables(for: alert))
    }

    /// The alert's message for a sink type: the rule's template when it has one, else the
    /// sink type's default layout.
    package static func text(for alert: Alert, sinkType: String) -> String {
        let body: String
        if let template = alert.template, !template.isEmpty { body = render(template, alert: alert) }
        else if let summary = alert.summary { body = summary.text(limit: summaryLimit(for: sinkType)) }
        else { body = renderCached(layout(for: sinkType), alert: alert) }
        guard alert.isUpdate else { return body }
        return updateLine(for: alert) + "\n" + body
    }

    /// What an update says before its body: which first message it updates and what changed —
    /// `Update to "[CRITICAL] Ronin Bridge: $540M stolen" (first alert 2022-03-29): loss $540M → $624M`.
    package static func updateLine(for alert: Alert) -> String {
        var line = "Update"
        if let first = alert.storyHeadline, !first.isEmpty { line += " to \"\(first)\"" }
        if let started = alert.storyStarted { line += " (first alert \(Incident.formatDay(started)))" }
        let changes = alert.changes.map(\.summary).joined(separator: "; ")
        return changes.isEmpty ? line : line + ": " + changes
    }

    /// A one-line headline: `[HIGH] Ronin: $624M stolen`.
    package static func headline(for alert: Alert) -> String {
        if let summary = alert.summary { return "[\(alert.severity.rawValue.uppercased())] \(summary.headline)" }
        let incident = alert.incident
        var line = (alert.isUpdate ? "[UPDATE] " : "") + "[\(alert.severity.rawValue.uppercased())] \(incident.name)"
        if let loss = incident.loss { line += ": \(loss.human) stolen" }
        return line
    }

    /// The default layout (Mustache source) of each sink type: chat and push destinations get
    /// a sentence plus the headline text; one-line destinations (syslog, PagerDuty's summary,
    /// the JSON `message` of webhook/stdout) a single line. Each sink adds its own structure
    /// around it (Slack blocks, a Discord embed, a Teams card, …).
    package static let defaultLayouts: [String: String] = [
        "slack": defaultLayout, "discord": defaultLayout, "teams": defaultLayout, "mattermost": defaultLayout,
        "telegram": defaultLayout, "ntfy": defaultLayout,
        "pagerduty": shortLayout, "syslog": shortLayout, "webhook": shortLayout, "stdout": shortLayout,
    ]

    /// The default layout (Mustache source) for a sink type.
    package static func layout(for sinkType: String) -> String {
        defaultLayouts[sinkType] ?? defaultLayout
    }

    /// The variables a template sees for `alert`.
    package static func variables(for alert: Alert) -> [String: Any] {
        let incident = alert.incident
        var vars: [String: Any] = [
            "id": alert.id,
            "rule": alert.rule,
            "severity": alert.severity.rawValue,
            "severity_upper": alert.severity.rawValue.uppercased(),
            "name": incident.name,
            "source": incident.source,
            "sources": incident.sources.joined(separator: ", "),
            "update": incident.update || alert.isUpdate,
            "rules": alert.rules.joined(separator: ", "),
            "revision": alert.revision,
        ]
        if alert.isUpdate { vars["changes"] = alert.changes.map(\.summary).joined(separator: "; ") }
        if let previous = incident.previousLoss { vars["previous_loss_human"] = previous.human }
        func put(_ key: String, _ value: String?) {
            if let value, !value.isEmpty { vars[key] = value }
        }
        put("title", incident.title)
        put("summary", incident.summary)
        put("url", incident.url)
        put("technique", incident.technique)
        put("classification", incident.classification)
        put("target", incident.target)
        put("attribution", incident.attribution)
        if let loss = incident.loss {
            vars["loss"] = String(format: "%.0f", loss.usd)
            vars["loss_human"] = loss.human
        }
        if let returned = incident.returned {
            vars["returned"] = String(format: "%.0f", returned.usd)
            vars["returned_human"] = returned.human
        }
        if let net = incident.netLoss { vars["net_loss_human"] = net.human }
        if !incident.chains.isEmpty {
            vars["chains"] = incident.chains.joined(separator: ", ")
            vars["chain_list"] = incident.chains
        }
        if !incident.addresses.isEmpty {
            vars["addresses"] = incident.addresses.joined(separator: ", ")
            vars["address_list"] = incident.addresses
        }
        if !incident.transactions.isEmpty {
            vars["transactions"] = incident.transactions.joined(separator: ", ")
            vars["transaction_list"] = incident.transactions
        }
        if let bridge = incident.bridge { vars["bridge"] = bridge }
        if let date = incident.date { vars["date"] = Incident.formatDay(date) }
        // Exposure overlays (README "Exposure"): absent when nothing matched, so sections skip.
        if incident.exposed {
            vars["exposed"] = true
            vars["exposure"] = incident.exposure.joined(separator: ", ")
        }
        if let usd = incident.exposureUSD {
            vars["exposure_usd"] = String(format: "%.0f", usd.usd)
            vars["exposure_usd_human"] = usd.human
        }
        put("exposure_owner", incident.exposureOwner)
        put("attribution_source", incident.attributionSource)
        if let summary = alert.summary {
            for (key, value) in summary.variables { vars[key] = value }
            vars["top"] = summary.top
        }
        return vars
    }

    // The TEXT content type turns off Mustache's HTML escaping: output is plain text that
    // each sink escapes for its own destination.
    private static let plainPragma = "{{% CONTENT_TYPE: TEXT}}"

    static let defaultLayout = """
        {{name}}{{#loss_human}}: {{loss_human}} stolen{{/loss_human}}{{#chains}} on {{chains}}{{/chains}}\
        {{#technique}} ({{technique}}){{/technique}}{{#returned_human}}, {{returned_human}} returned{{/returned_human}}.
        {{#title}}{{title}}
        {{/title}}Rule {{rules}}, severity {{severity}}.
        """

    static let shortLayout = """
        {{name}}{{#loss_human}}: {{loss_human}} stolen{{/loss_human}}{{#chains}} on {{chains}}{{/chains}}\
        {{#technique}} ({{technique}}){{/technique}}; rule {{rules}}, severity {{severity}}
        """

    private static let cache: [String: MustacheTemplate] = {
        var templates: [String: MustacheTemplate] = [:]
        for source in [defaultLayout, shortLayout] { templates[source] = try? MustacheTemplate(string: plainPragma + source) }
        return templates
    }()

    private static func renderCached(_ source: String, alert: Alert) -> String {
        guard let template = cache[source] else { return render(source, alert: alert) }
        return template.render(variables(for: alert))
    }

    private static func describe(_ error: Error) -> String {
        guard let error = error as? MustacheTemplate.Error else {
            // The scanner's own errors: running off the end is an unclosed tag.
            return "\(error)" == "overflow" ? "unexpected end of template (unclosed tag?)" : "\(error)"
        }
        switch error {
        case .sectionCloseNameIncorrect: return "section closed with the wrong name"
        case .unfinishedName: return "unfinished tag (missing '}}')"
        case .expectedSectionEnd: return "section not closed"
        case .invalidSetDelimiter: return "invalid set-delimiter tag"
        case .transformAppliedToInheritanceSection: return "transform applied to an inheritance section"
        case .illegalTokenInsideInheritSection: return "illegal tag inside an inheritance section"
        case .textInsideInheritSection: return "text inside an inheritance section"
        case .invalidConfigVariableSyntax: return "invalid pragma syntax"
        case .unrecognisedConfigVariable: return "unknown pragma"
        @unknown default: return "\(error)"
        }
    }
}
