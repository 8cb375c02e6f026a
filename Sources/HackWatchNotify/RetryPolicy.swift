import Foundation
import HackWatchHTTP

/// When to try a failed delivery again, shared by every sink: exponential backoff with jitter,
/// a destination's own hint (`Retry-After`, Discord's `retry_after`) taking precedence, and a
/// window after which a delivery is given up (dead, kept for `status`).
package struct RetryPolicy: Sendable, Hashable {
    /// Delay before the first retry.
    package var initialDelay: TimeInterval
    /// Growth factor per attempt.
    package var multiplier: Double
    /// Cap on the computed delay.
    package var maxDelay: TimeInterval
    /// Fraction of the delay randomised away (0.2: between 80% and 100% of it), so many
    /// deliveries failing together do not retry in lockstep.
    package var jitter: Double
    /// Cap on a destination's hint (a hostile or broken server cannot park alerts for a week).
    package var maxHint: TimeInterval
    /// A delivery still failing this long after it fired is given up.
    package var giveUpAfter: TimeInterval

    package init(initialDelay: TimeInterval = 2, multiplier: Double = 2, maxDelay: TimeInterval = 300,
                jitter: Double = 0.2, maxHint: TimeInterval = 3600, giveUpAfter: TimeInterval = 86400) {
        self.initialDelay = initialDelay
        self.multiplier = multiplier
        self.maxDelay = maxDelay
        self.jitter = min(max(jitter, 0), 1)
        self.maxHint = maxHint
        self.giveUpAfter = giveUpAfter
    }

    /// 2 s doubling up to 5 min, 20% jitter, hints up to 1 h, give up after 24 h.
    package static let `default` = RetryPolicy()

    /// The wait before the next attempt, after `attempts` failed ones (1 = the first failed).
    /// `random` is a number in 0...1 (injectable for tests).
    package func delay(afterAttempts attempts: Int, hint: TimeInterval?,
                      random: Double = Double.random(in: 0...1)) -> TimeInterval {
        if let hint, hint >= 0 { return min(hint, maxHint) }
        let exponent = Double(max(0, attempts - 1))
        let base = min(maxDelay, initialDelay * pow(multiplier, min(exponent, 60)))
        return base * (1 - jitter * min(max(random, 0), 1))
    }

    /// True when a delivery that fired at `firedAt` should be given up at `now`.
    package func isExpired(firedAt: Date, now: Date) -> Bool {
        now.timeIntervalSince(firedAt) >= giveUpAfter
    }
}

/// The standard meaning of HTTP outcomes, which each sink may refine ("is this retryable").
package enum HTTPVerdict {
    /// 2xx delivered; 408, 425, 429 and 5xx retried (honouring `Retry-After`); any other status dead.
    package static func standard(_ response: HTTPResponse, now: Date = Date()) -> SinkResult {
        if response.isSuccess { return .delivered }
        let reason = describe(response)
        if isRetryable(status: response.status) {
            return .retry(after: response.header("Retry-After").flatMap { retryAfter($0, now: now) }, reason: reason)
        }
        return .dead(reason: reason)
    }

    /// Statuses worth trying again.
    package static func isRetryable(status: Int) -> Bool {
        status == 408 || status == 425 || status == 429 || (500...599).contains(status)
    }

    /// Transport failures: timeouts and connection failures retry; TLS, bad URLs and the like do not.
    package static func transport(_ error: HTTPError) -> SinkResult {
        error.isTransient ? .retry(after: nil, reason: error.description) : .dead(reason: error.description)
    }

    /// `Retry-After` as delay-seconds or an HTTP-date (RFC 9110 §10.2.3); nil when unreadable.
    package static func retryAfter(_ value: String, now: Date) -> TimeInterval? {
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        if let seconds = Double(trimmed), seconds.isFinite { return max(0, seconds) }
        guard let date = parseHTTPDate(trimmed) else { return nil }
        return max(0, date.timeIntervalSince(now))
    }

    /// IMF-fixdate, RFC 850 and asctime forms.
    package static func parseHTTPDate(_ text: String) -> Date? {
        for format in ["EEE, dd MMM yyyy HH:mm:ss zzz", "EEEE, dd-MMM-yy HH:mm:ss zzz", "EEE MMM d HH:mm:ss yyyy"] {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "GMT")
            formatter.dateFormat = format
            if let date = formatter.date(from: text) { return date }
        }
        return nil
    }

    /// `HTTP 404: no_service` — the status and the start of the body, made safe for logs.
    package static func describe(_ response: HTTPResponse) -> String {
        let snippet = SafeText.singleLine(SafeText.clean(String(response.text.prefix(200))))
        return snippet.isEmpty ? "HTTP \(response.status)" : "HTTP \(response.status): \(snippet)"
    }
}
