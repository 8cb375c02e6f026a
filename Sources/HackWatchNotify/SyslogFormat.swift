import Foundation
import HackWatchModel
import HackWatchTemplates

/// Syslog facilities and severities, and the RFC 5424 / RFC 3164 message forms.
package enum SyslogFormat: String, Sendable, CaseIterable {
    /// BSD form: `<PRI>Mmm dd hh:mm:ss host app[pid]: msg`.
    case rfc3164
    /// `<PRI>1 TIMESTAMP HOST APP PROCID MSGID [SD] BOM msg`.
    case rfc5424

    /// Facility names as in syslog.conf.
    package static let facilities: [String: Int] = [
        "kern": 0, "user": 1, "mail": 2, "daemon": 3, "auth": 4, "syslog": 5, "lpr": 6, "news": 7, "uucp": 8,
        "cron": 9, "authpriv": 10, "ftp": 11, "local0": 16, "local1": 17, "local2": 18, "local3": 19,
        "local4": 20, "local5": 21, "local6": 22, "local7": 23,
    ]

    /// critical→crit(2), high→err(3), medium→warning(4), low→notice(5), info→info(6).
    package static func severity(_ severity: Severity) -> Int {
        switch severity {
        case .critical: 2
        case .high: 3
        case .medium: 4
        case .low: 5
        case .info: 6
        }
    }

    /// The private-enterprise SD-ID hackwatch uses (32473 is IANA's example number, RFC 5612).
    package static let sdID = "hackwatch@32473"

    /// The alert's one-line text: headline and message, cleaned and with `<` `>` replaced.
    static func text(for alert: Alert) -> String {
        SafeText.singleLine(MessageTemplate.text(for: alert, sinkType: "syslog"))
    }

    /// An RFC 5424 message of at most `maxBytes` bytes (the MSG is cut to fit).
    package static func rfc5424(_ alert: Alert, facility: Int, hostname: String, appName: String = "hackwatch",
                               procID: Int32 = getpid(), now: Date = Date(), maxBytes: Int = 2048) -> String {
        let pri = facility * 8 + severity(alert.severity)
        let params: [(String, String?)] = [
            ("id", alert.id), ("rule", alert.rule), ("severity", alert.severity.rawValue),
            ("incident", alert.incident.id), ("source", alert.incident.source), ("name", alert.incident.name),
            ("loss", alert.incident.loss.map { String(format: "%.0f", $0.usd) }), ("url", AlertFacts.safeURL(alert.incident.url)),
        ]
        let sd = "[" + sdID + params.compactMap { name, value in
            value.map { " \(name)=\"\(sdEscape(SafeText.fit(SafeText.singleLine($0), limit: 200, unit: .utf8)))\"" }
        }.joined() + "]"
        let header = "<\(pri)>1 \(timestamp(now)) \(headerField(hostname, 255)) \(headerField(appName, 48)) \(procID) alert \(sd) \u{FEFF}"
        let budget = max(0, maxBytes - header.utf8.count)
        return header + SafeText.fit(text(for: alert), limit: budget, unit: .utf8)
    }

    /// An RFC 3164 (BSD) message of at most `maxBytes` bytes, for remote receivers that want it.
    package static func rfc3164(_ alert: Alert, facility: Int, hostname: String, appName: String = "hackwatch",
                               procID: Int32 = getpid(), now: Date = Date(), maxBytes: Int = 1024) -> String {
        let pri = facility * 8 + severity(alert.severity)
        var time = time_t(now.timeIntervalSince1970)
        var parts = tm()
        localtime_r(&time, &parts)
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let stamp = String(format: "%@ %2d %02d:%02d:%02d", months[Int(parts.tm_mon)], Int(parts.tm_mday),
                           Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec))
        let header = "<\(pri)>\(stamp) \(headerField(hostname, 255)) \(headerField(appName, 32))[\(procID)]: "
        return header + SafeText.fit(localText(alert), limit: max(0, maxBytes - header.utf8.count), unit: .utf8)
    }

    /// The text given to syslog(3) for the local BSD form: identifiers first, then the message.
    static func localText(_ alert: Alert) -> String {
        "alert id=\(alert.id) rule=\(SafeText.singleLine(alert.rule)) severity=\(alert.severity.rawValue): " + text(for: alert)
    }

    /// SD-PARAM value escaping (RFC 5424 §6.3.3): `"`, `\` and `]` get a backslash. Per
    /// Unicode scalar, not per Character: a `"` followed by a combining mark is one grapheme
    /// but still a bare `"` octet to a syslog parser.
    package static func sdEscape(_ value: String) -> String {
        var out = String.UnicodeScalarView()
        for scalar in value.unicodeScalars {
            if scalar == "\"" || scalar == "\\" || scalar == "]" { out.append("\\") }
            out.append(scalar)
        }
        return String(out)
    }

    /// HOSTNAME/APP-NAME: printable US-ASCII without spaces, or `-`.
    static func headerField(_ value: String, _ limit: Int) -> String {
        let filtered = String(String.UnicodeScalarView(value.unicodeScalars.filter { (33...126).contains($0.value) }).prefix(limit))
        return filtered.isEmpty ? "-" : filtered
    }

    /// `2026-11-25T22:30:00.123Z`.
    static func timestamp(_ date: Date) -> String {
        let base = Incident.formatDate(date)
        let millis = Int((date.timeIntervalSince1970 - floor(date.timeIntervalSince1970)) * 1000)
        return String(base.dropLast()) + String(format: ".%03dZ", millis)
    }
}
