import Foundation
import HackWatchConfiguration
import HackWatchHTTP
import HackWatchModel
import HackWatchNotify

/// `hackwatch notify-test`: one clearly marked test alert through a configured sink, by the
/// same code path as real alerts (the sink's request builder, escaping, limits, signing and
/// verdict), with the destination's answer. It opens no state database: the outbox and the
/// fired pairs are never touched.
package enum NotifyTest {
    /// The rule name test alerts carry (the `Rule:` fact, the webhook's `rule`).
    package static let rule = "notify-test"
    /// What every test alert's incident name starts with.
    package static let marker = "[TEST] "

    /// The built-in sample: a made-up incident that says it is one, with every field a
    /// message shows, so a test shows the whole layout.
    package static func sampleIncident(now: Date) -> Incident {
        Incident(id: "hackwatch-notify-test", source: "hackwatch", name: "hackwatch notify-test (not a real incident)",
                 title: "hackwatch notify-test", summary: "A test alert sent by hackwatch notify-test. No incident happened.",
                 url: "https://example.com/hackwatch-notify-test", date: now, loss: Money(usd: 1_234_567), chains: ["Ethereum"],
                 technique: "Test alert", target: "hackwatch")
    }

    /// The test alert for `incident`: its name marked `[TEST]`, rule `notify-test`, and a fresh
    /// id per run, so receivers that drop repeats by id (`webhook-id`, PagerDuty's `dedup_key`)
    /// show every test.
    package static func alert(for incident: Incident, severity: Severity, now: Date) -> Alert {
        var marked = incident
        if !marked.name.hasPrefix(marker) { marked.name = marker + marked.name }
        let id = "notify-test-" + String(UInt64(now.timeIntervalSince1970 * 1000), radix: 16)
        var alert = Alert(id: id, rule: rule, severity: severity, incident: marked, firedAt: now)
        alert.story = id
        return alert
    }

    /// A digest's message sent as a test: exactly the period's message (figures, layout, time),
    /// under a fresh id, so a receiver dropping repeats by id (`webhook-id`, PagerDuty's
    /// `dedup_key`) still takes the real digest when the daemon sends it.
    package static func alert(forDigest digest: Alert, now: Date) -> Alert {
        var test = digest
        test.id = alert(for: digest.incident, severity: digest.severity, now: now).id
        test.story = test.id
        return test
    }

    /// What one sink's test came to.
    package struct Outcome: Sendable {
        /// The last attempt's outcome and answer.
        package var exchange: SinkExchange
        /// Attempts made (1 + retries used).
        package var attempts: Int

        /// True when the destination acknowledged the alert.
        package var delivered: Bool { exchange.result == .delivered }
    }

    /// Sends `alert` through `sink`, retrying a transient failure up to `retries` times under
    /// the shared `RetryPolicy` (a destination's hint honoured, each wait capped at `maxWait`).
    package static func send(_ alert: Alert, through sink: any Sink, retries: Int, maxWait: TimeInterval = 60,
                             wait: (TimeInterval) -> Void = { Thread.sleep(forTimeInterval: $0) }) -> Outcome {
        var attempts = 0
        while true {
            attempts += 1
            let exchange = sink.exchange(alert)
            guard case .retry(let hint, _) = exchange.result, attempts <= retries else {
                return Outcome(exchange: exchange, attempts: attempts)
            }
            wait(min(maxWait, RetryPolicy.default.delay(afterAttempts: attempts, hint: hint)))
        }
    }

    /// `delivered — HTTP 200: ok`, `failed (permanent) — HTTP 404: no such hook`: the outcome, the
    /// destination's status and the start of its body, one line, with every one of `secrets`
    /// and every URL redacted.
    package static func describe(_ outcome: Outcome, secrets: [String]) -> String {
        var line: String
        switch outcome.exchange.result {
        case .delivered: line = "delivered"
        case .retry(_, let reason): line = "failed (transient: the daemon would retry) — \(reason)"
        case .dead(let reason): line = "failed (permanent: the daemon would give up) — \(reason)"
        }
        if case .delivered = outcome.exchange.result, let response = outcome.exchange.response {
            line += " — " + HTTPVerdict.describe(response)
        }
        if outcome.attempts > 1 { line += " (after \(outcome.attempts) attempts)" }
        return URLRedaction.redactURLs(in: SinkFactory.redact(line, secrets: secrets))
    }
}

extension NotifyTest {
    /// Why a test cannot start: a sink name that is not in the config.
    package enum TestError: Error, Equatable, CustomStringConvertible {
        /// A named sink is not configured.
        case unknownSink(String, suggestion: String?, known: [String])

        package var description: String {
            switch self {
            case .unknownSink(let name, let hint, let known):
                "no sink '\(name)' in the config" + (hint.map { "; did you mean '\($0)'?" } ?? "")
                    + " (sinks: \(known.isEmpty ? "none" : known.joined(separator: ", ")))"
            }
        }
    }

    /// Tests each of `names` in turn (enabled or not: a sink can be tried before it is enabled)
    /// and prints one line per sink. The exit status: 0 every sink acknowledged, 1 one failed,
    /// 78 one could not be built (an unreadable secret), as `run` would refuse it.
    package static func run(sinks names: [String], config: HackWatchConfig, incident: Incident, severity: Severity,
                            retries: Int, environment: [String: String] = ProcessInfo.processInfo.environment,
                            print: (String) -> Void) throws(TestError) -> Int32 {
        try run(sinks: names, config: config, retries: retries, environment: environment, print: print) {
            alert(for: incident, severity: severity, now: Date())
        }
    }

    /// Sends the alert `make` builds (one per sink) through each of `names`, as `run` above does
    /// for an incident; `notify-test --digest` hands it the digest's test message.
    package static func run(sinks names: [String], config: HackWatchConfig, retries: Int,
                            environment: [String: String] = ProcessInfo.processInfo.environment,
                            print: (String) -> Void, alert make: () -> Alert) throws(TestError) -> Int32 {
        let known = config.sinks.map(\.name)
        var chosen: [SinkConfig] = []
        for name in names {
            guard let sink = config.sinks.first(where: { $0.name == name }) else {
                throw .unknownSink(name, suggestion: Suggest.nearest(name, in: known, within: 2), known: known)
            }
            chosen.append(sink)
        }
        var client = HTTPClient()
        client.caFile = config.caFile
        var status: Int32 = 0
        for sinkConfig in chosen {
            let label = "\(sinkConfig.name) (\(sinkConfig.type))"
            let secrets = SinkFactory.secretValues(sinkConfig, environment: environment)
            let sink: any Sink
            do {
                sink = try SinkFactory.make(sinkConfig, client: client, environment: environment)
            } catch {
                print("\(label): not sent — \(error)")
                status = 78
                continue
            }
            let alert = make()
            let outcome = send(alert, through: sink, retries: retries)
            print("\(label): \(describe(outcome, secrets: secrets))")
            if !outcome.delivered, status == 0 { status = 1 }
        }
        return status
    }
}
