import Foundation
import HackWatchModel
import HackWatchStore

/// `GET /`: one server-rendered HTML page, no JavaScript (the Content-Security-Policy forbids
/// scripts anyway). Every string that came from a feed or a sink's answer goes through `escape`.
enum StatusPage {
    /// Incidents listed.
    static let incidentCount = 50
    /// Outbox rows listed.
    static let outboxCount = 50

    static func render(_ store: any StateStoring, feeds: [WebFeed], readiness ready: [String]) throws(StoreError) -> String {
        let now = Date()
        let states = Dictionary(try store.allFeedStates().map { ($0.feed, $0) }, uniquingKeysWith: { a, _ in a })
        let (incidents, total) = try WebAPI.recentIncidents(store, since: nil, limit: incidentCount)
        let deliveries = try WebAPI.deliveriesByIncident(store)
        let outbox = try store.recentOutbox(status: nil, limit: outboxCount)
        let counts = try store.outboxCounts()

        var html = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>hackwatch</title>
            <style>body{font:14px system-ui,sans-serif;margin:1.5em}table{border-collapse:collapse;margin-bottom:1.5em}\
            td,th{border:1px solid #ccc;padding:.25em .5em;text-align:left;vertical-align:top}\
            .ok{color:#060}.failing,.dead,.stale{color:#a00}.pending{color:#a60}</style></head><body>
            <h1>hackwatch</h1>
            <p id="readiness">\(ready.isEmpty ? "ready" : "not ready: " + escape(ready.joined(separator: "; ")))</p>

            """
        html += "<h2>Feeds</h2>\n<table id=\"feeds\"><thead><tr><th>feed</th><th>health</th><th>last poll</th>"
            + "<th>last success</th><th>failures</th><th>last error</th></tr></thead><tbody>\n"
        for feed in feeds {
            let state = states[feed.name]
            let health = WebAPI.health(feed, state, now: now)
            html += "<tr class=\"feed\"><td class=\"name\">\(escape(feed.name))</td>"
                + "<td class=\"health \(health == "never polled" ? "pending" : health)\">\(escape(health))</td>"
                + "<td>\(date(state?.lastAttempt))</td><td>\(date(state?.lastSuccess))</td>"
                + "<td>\(state?.failures ?? 0) (\(state?.consecutiveFailures ?? 0) in a row)</td>"
                + "<td>\(escape(state?.lastError.map(WebAPI.redact) ?? ""))</td></tr>\n"
        }
        html += "</tbody></table>\n"

        html += "<h2>Incidents</h2>\n<p>the last \(incidents.count) of \(total) dated incidents</p>\n"
            + "<table id=\"incidents\"><thead><tr><th>date</th><th>name</th><th>loss</th><th>sources</th><th>rules</th>"
            + "<th>delivery</th></tr></thead><tbody>\n"
        for incident in incidents {
            let rows = (deliveries[WebAPI.ref(incident)] ?? []).sorted { $0.delivery.id < $1.delivery.id }
            let rules = Array(Set(rows.map(\.delivery.alert.rule))).sorted()
            let delivery = rows.map { "<li class=\"\(escape($0.status))\">\(escape($0.delivery.sink)): \(escape($0.status))</li>" }
            html += "<tr class=\"incident\"><td>\(date(incident.date))</td>"
                + "<td class=\"name\">\(link(incident.name, incident.url))</td>"
                + "<td>\(escape(incident.loss?.human ?? "—"))</td>"
                + "<td>\(escape(incident.sources.joined(separator: ", ")))</td>"
                + "<td>\(escape(rules.joined(separator: ", ")))</td>"
                + "<td>\(delivery.isEmpty ? "" : "<ul>" + delivery.joined() + "</ul>")</td></tr>\n"
        }
        html += "</tbody></table>\n"

        html += "<h2>Outbox</h2>\n<p id=\"outbox-counts\">\(counts.pending) pending, \(counts.delivered) delivered, "
            + "\(counts.dead) dead</p>\n<table id=\"outbox\"><thead><tr><th>fired</th><th>rule</th><th>incident</th>"
            + "<th>sink</th><th>state</th><th>attempts</th><th>reason</th></tr></thead><tbody>\n"
        for entry in outbox {
            let row = entry.delivery
            html += "<tr class=\"delivery\"><td>\(date(row.alert.firedAt))</td><td>\(escape(row.alert.rule))</td>"
                + "<td>\(escape(row.alert.incident.name))</td><td>\(escape(row.sink))</td>"
                + "<td class=\"\(escape(entry.status))\">\(escape(entry.status))</td><td>\(row.attempts)</td>"
                + "<td>\(escape(row.lastError.map(WebAPI.redact) ?? ""))</td></tr>\n"
        }
        html += "</tbody></table>\n<p><a href=\"/metrics\">metrics</a> · <a href=\"/api/v1/incidents\">API</a></p>\n</body></html>\n"
        return html
    }

    /// The five characters that matter in text and quoted attribute values.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }

    /// The name, linked only to an http(s) URL (a feed's `javascript:` link stays text).
    private static func link(_ name: String, _ url: String?) -> String {
        guard let url, let scheme = url.split(separator: ":", maxSplits: 1).first?.lowercased(),
              scheme == "http" || scheme == "https" else { return escape(name) }
        return "<a href=\"\(escape(url))\" rel=\"noreferrer\">\(escape(name))</a>"
    }

    private static func date(_ value: Date?) -> String {
        value.map { Incident.formatDate($0) } ?? "—"
    }
}
