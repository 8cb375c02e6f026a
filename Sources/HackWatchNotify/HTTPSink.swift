import Foundation
import HackWatchHTTP
import HackWatchModel

/// What every HTTP-posting sink shares: where, with which client, how long to wait, how often.
package struct HTTPEndpoint: Sendable {
    /// The sink's name in the config.
    package var name: String
    /// The destination URL. Secret: only `URLRedaction.redact(url)` may be logged.
    package var url: String
    package var client: HTTPClient
    /// Total time allowed per request (connect gets at most 10 s of it).
    package var timeout: TimeSpan
    /// Least time between two sends (rate limit).
    package var minimumInterval: TimeInterval
    /// Deliveries in flight at once (the `senders` key; 1 unless set).
    package var senders: Int

    package init(name: String, url: String, client: HTTPClient = HTTPClient(), timeout: TimeSpan = TimeSpan(seconds: 15),
                minimumInterval: TimeInterval = 0, senders: Int = 1) {
        self.senders = senders
        self.name = name
        self.url = url
        self.client = client
        self.timeout = timeout
        self.minimumInterval = minimumInterval
    }
}

/// A sink that POSTs one request per alert. Conformers build the request and may refine
/// `verdict` (the per-sink "is this retryable"); sending and transport errors are shared.
protocol HTTPSink: Sink {
    var endpoint: HTTPEndpoint { get }
    /// The request for `alert` (body already escaped and within the destination's limits).
    func request(for alert: Alert, now: Date) -> HTTPRequest
    /// What a response means for this destination.
    func verdict(for response: HTTPResponse, now: Date) -> SinkResult
    /// Every request one send of `alert` makes, in order, given the story's `thread` reference
    /// (`preview` prints them). Threading sinks override it; the default is `request(for:now:)`.
    func requests(for alert: Alert, thread: String?, now: Date) -> [HTTPRequest]
}

extension HTTPSink {
    package var name: String { endpoint.name }
    package var minimumInterval: TimeInterval { endpoint.minimumInterval }
    package var senders: Int { endpoint.senders }

    package func send(_ alert: Alert) -> SinkResult { exchange(alert).result }

    func verdict(for response: HTTPResponse, now: Date) -> SinkResult { HTTPVerdict.standard(response, now: now) }

    func requests(for alert: Alert, thread: String?, now: Date) -> [HTTPRequest] { [request(for: alert, now: now)] }

    /// A JSON POST to `url` (the endpoint's by default).
    func jsonRequest(_ body: String, url: String? = nil, headers: [(name: String, value: String)] = []) -> HTTPRequest {
        postRequest(Array(body.utf8), contentType: "application/json; charset=utf-8", url: url, headers: headers)
    }

    /// A JSON POST of `body` written straight into the request's bytes (`JSONValue.jsonBytes`).
    func jsonRequest(_ body: JSONValue, url: String? = nil, headers: [(name: String, value: String)] = []) -> HTTPRequest {
        jsonRequest(bytes: body.jsonBytes, url: url, headers: headers)
    }

    /// A JSON POST of bytes already rendered.
    func jsonRequest(bytes body: [UInt8], url: String? = nil, headers: [(name: String, value: String)] = []) -> HTTPRequest {
        postRequest(body, contentType: "application/json; charset=utf-8", url: url, headers: headers)
    }

    /// A POST of `body` to `url` (the endpoint's by default) under the endpoint's timeouts,
    /// reading at most 64 KiB of answer and following no redirect.
    func postRequest(_ body: [UInt8], contentType: String, url: String? = nil,
                     headers: [(name: String, value: String)] = []) -> HTTPRequest {
        HTTPRequest(url: url ?? endpoint.url, method: .post,
                    headers: [("Content-Type", contentType)] + headers, body: body,
                    connectTimeout: TimeSpan(seconds: min(10, endpoint.timeout.seconds)), timeout: endpoint.timeout,
                    maxBodyBytes: 64 << 10, maxRedirects: 0)
    }
}

/// Pieces of an alert that every chat layout shows, already cleaned of hostile input.
struct AlertFacts {
    /// (label, value) pairs: Loss, Returned, Chains, Technique, Target, Date, Severity, Rule.
    /// A value that is blank once cleaned (only control, bidi or invisible characters) is left
    /// out: destinations reject empty fields.
    let facts: [(label: String, value: String)]
    /// The incident's link normalised by `SafeText.url` (nil: not http(s) or not repairable).
    let url: String?

    init(_ alert: Alert) {
        let incident = alert.incident
        var facts: [(String, String)] = []
        if let summary = alert.summary {
            // A message about many incidents: its own facts, then severity and rule.
            self.facts = summary.factPairs.filter { !SafeText.isBlank($0.value) }
                + [("Severity", alert.severity.rawValue), ("Rule", alert.rule)]
            self.url = nil
            return
        }
        if let loss = incident.loss { facts.append(("Loss", loss.human)) }
        if let returned = incident.returned { facts.append(("Returned", returned.human)) }
        let chains = incident.chains.filter { !SafeText.isBlank($0) }
        if !chains.isEmpty { facts.append(("Chains", chains.joined(separator: ", "))) }
        if let technique = incident.technique, !SafeText.isBlank(technique) { facts.append(("Technique", technique)) }
        if let target = incident.target, !SafeText.isBlank(target) { facts.append(("Target", target)) }
        if let date = incident.date { facts.append(("Date", Incident.formatDay(date))) }
        facts.append(("Severity", alert.severity.rawValue))
        facts.append((alert.rules.count > 1 ? "Rules" : "Rule", alert.rules.joined(separator: ", ")))
        self.facts = facts
        self.url = AlertFacts.safeURL(incident.url)
    }

    /// The one URL rule of every sink: `SafeText.url` (RFC 3986, markup-inert, or nil).
    static func safeURL(_ url: String?) -> String? { SafeText.url(url) }

    /// Severity colours for embeds and cards.
    static func color(_ severity: Severity) -> Int {
        switch severity {
        case .critical: 0x8B0000
        case .high: 0xE74C3C
        case .medium: 0xE67E22
        case .low: 0xF1C40F
        case .info: 0x3498DB
        }
    }
}
