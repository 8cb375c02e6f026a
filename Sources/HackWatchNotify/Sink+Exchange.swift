import Foundation
import HackWatchHTTP
import HackWatchModel

/// One send of an alert and, for HTTP destinations, the answer it got: what `notify-test`
/// prints (the destination's status and the start of its body) besides the outcome.
package struct SinkExchange: Sendable {
    /// What the send means, exactly as the outbox would judge it.
    package var result: SinkResult
    /// The destination's answer; nil for syslog, stdout and transport failures.
    package var response: HTTPResponse?

    package init(result: SinkResult, response: HTTPResponse? = nil) {
        self.result = result
        self.response = response
    }
}

extension HTTPSink {
    /// Sends `alert` once (the same request and verdict as every alert) and keeps the answer.
    func exchange(_ alert: Alert) -> SinkExchange {
        let now = Date()
        do {
            let response = try endpoint.client.send(request(for: alert, now: now))
            return SinkExchange(result: verdict(for: response, now: now), response: response)
        } catch {
            return SinkExchange(result: HTTPVerdict.transport(error))
        }
    }
}

extension Sink {
    /// One send of `alert` as a first message, keeping an HTTP destination's answer.
    package func exchange(_ alert: Alert) -> SinkExchange {
        if let http = self as? any HTTPSink { return http.exchange(alert) }
        return SinkExchange(result: send(alert))
    }
}
