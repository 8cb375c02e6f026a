import Foundation
import HackWatchHTTP
import HackWatchModel
import HackWatchTemplates

/// What one send of an alert would put on the wire, for `preview` and `once --dry-run --show`:
/// built by the sinks' own request builders (escaping, limits, signing), never sent.
package struct WirePreview: Sendable {
    /// One request (HTTP) or message (syslog, stdout).
    package struct Message: Sendable {
        /// `POST https://hooks.slack.com/…` (URL redacted), or where a non-HTTP message goes.
        package var target: String
        /// Request headers in order (none for syslog and stdout).
        package var headers: [(name: String, value: String)]
        /// The exact bytes of the body or line, as text.
        package var body: String
    }

    /// The messages, in the order the send makes them.
    package var messages: [Message]
    /// The plain rendered text (the rule's template or the sink's layout) before the sink's
    /// escaping, with control and bidi characters removed so a terminal shows it as it is.
    package var text: String

    /// A copy with every occurrence of each of `secrets` (tokens, routing keys, webhook URLs)
    /// replaced by `‹redacted›`, and the credentials in `Authorization` hidden whatever they are.
    package func redacted(_ secrets: [String]) -> WirePreview {
        func hide(_ text: String) -> String { SinkFactory.redact(text, secrets: secrets) }
        var copy = self
        copy.messages = messages.map { message in
            var message = message
            message.headers = message.headers.map { header in
                guard header.name.lowercased() == "authorization" else { return (header.name, hide(header.value)) }
                let scheme = header.value.split(separator: " ", maxSplits: 1).first.map(String.init) ?? ""
                return (header.name, scheme.isEmpty || scheme == header.value ? "‹redacted›" : "\(scheme) ‹redacted›")
            }
            message.body = hide(message.body)
            return message
        }
        return copy
    }
}

extension Sink {
    /// What sending `alert` would send, given the story's `thread` reference for an update
    /// (what the destination returned for the first message; nil shows the unthreaded form).
    package func preview(_ alert: Alert, thread: String?, sinkType: String, now: Date = Date()) -> WirePreview {
        let text = SafeText.clean(MessageTemplate.text(for: alert, sinkType: sinkType))
        if let http = self as? any HTTPSink {
            let messages = http.requests(for: alert, thread: thread, now: now).map { request in
                WirePreview.Message(target: "\(request.method.rawValue) \(request.redactedURL)", headers: request.headers,
                                    body: String(decoding: request.body ?? [], as: UTF8.self))
            }
            return WirePreview(messages: messages, text: text)
        }
        if let syslog = self as? SyslogSink { return WirePreview(messages: syslog.previewMessages(alert, now: now), text: text) }
        return WirePreview(messages: [WirePreview.Message(target: "standard output", headers: [],
                                                          body: AlertPayload.body(for: alert, sinkType: "stdout"))], text: text)
    }
}

extension SyslogSink {
    /// The line a remote receiver gets; for the local socket, the syslog(3) text and the RFC
    /// 5424 form a relay (rsyslog, journald forwarding) would pass on.
    func previewMessages(_ alert: Alert, now: Date) -> [WirePreview.Message] {
        let host = ProcessInfo.processInfo.hostName
        switch transport {
        case .local:
            let priority = facility * 8 + SyslogFormat.severity(alert.severity)
            return [
                WirePreview.Message(target: "syslog(3) priority \(priority) (facility \(facility))", headers: [],
                                    body: SafeText.fit(SyslogFormat.localText(alert), limit: 1024, unit: .utf8)),
                WirePreview.Message(target: "as RFC 5424", headers: [],
                                    body: SyslogFormat.rfc5424(alert, facility: facility, hostname: host, now: now, maxBytes: 1024)),
            ]
        case .udp(let host, let port):
            return [WirePreview.Message(target: "udp://\(host):\(port)", headers: [], body: render(alert, maxBytes: 2048))]
        case .tcp(let host, let port):
            let line = render(alert, maxBytes: 8192)
            return [WirePreview.Message(target: "tcp://\(host):\(port) (octet-counted: \(line.utf8.count) bytes)", headers: [], body: line)]
        }
    }
}
