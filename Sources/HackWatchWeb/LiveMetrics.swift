import Foundation

/// Figures only a running daemon has (not in the state database): delivery latency per sink,
/// poll duration per feed, rule evaluations and matches. Thread-safe; `render` gives the
/// Prometheus text appended to the textfile's figures on `/metrics`.
package final class LiveMetrics: @unchecked Sendable {
    /// Upper bounds (seconds) of the histogram buckets, for polls and deliveries alike.
    package static let buckets: [Double] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60]

    private struct Histogram {
        var counts = [Int](repeating: 0, count: LiveMetrics.buckets.count)
        var sum = 0.0
        var count = 0
        mutating func observe(_ value: Double) {
            for (index, bound) in LiveMetrics.buckets.enumerated() where value <= bound { counts[index] += 1 }
            sum += value
            count += 1
        }
    }

    private let lock = NSLock()
    private var polls: [String: Histogram] = [:]
    private var deliveries: [String: Histogram] = [:]
    private var evaluations = 0
    private var matches: [String: Int] = [:]

    package init() {}

    /// One poll of `feed` took `seconds` (fetch, parse, rules, store).
    package func observePoll(feed: String, seconds: Double) {
        lock.withLock { polls[feed, default: Histogram()].observe(seconds) }
    }

    /// One send attempt to `sink` took `seconds`, whatever its outcome.
    package func observeDelivery(sink: String, seconds: Double) {
        lock.withLock { deliveries[sink, default: Histogram()].observe(seconds) }
    }

    /// `incidents` incidents were evaluated against `rules` rules; `matched` names each rule that fired.
    package func observeEvaluation(incidents: Int, rules: Int, matched: [String]) {
        lock.withLock {
            evaluations += incidents * rules
            for rule in matched { matches[rule, default: 0] += 1 }
        }
    }

    /// The Prometheus text (HELP and TYPE for every family, even without samples yet).
    package func render() -> String {
        let (polls, deliveries, evaluations, matches) = lock.withLock { (self.polls, self.deliveries, self.evaluations, self.matches) }
        var out: [String] = []
        func histogram(_ name: String, _ help: String, label: String, _ values: [String: Histogram]) {
            out.append("# HELP \(name) \(help)")
            out.append("# TYPE \(name) histogram")
            for (key, histogram) in values.sorted(by: { $0.key < $1.key }) {
                let labelText = "\(label)=\"\(PrometheusText.escape(key))\""
                for (index, bound) in Self.buckets.enumerated() {
                    out.append("\(name)_bucket{\(labelText),le=\"\(PrometheusText.number(bound))\"} \(histogram.counts[index])")
                }
                out.append("\(name)_bucket{\(labelText),le=\"+Inf\"} \(histogram.count)")
                out.append("\(name)_sum{\(labelText)} \(PrometheusText.number(histogram.sum))")
                out.append("\(name)_count{\(labelText)} \(histogram.count)")
            }
        }
        histogram("hackwatch_feed_poll_duration_seconds", "Time one poll of a feed took (fetch, parse, rules, store).",
                  label: "feed", polls)
        histogram("hackwatch_delivery_latency_seconds", "Time one send attempt to a sink took, whatever its outcome.",
                  label: "sink", deliveries)
        out.append("# HELP hackwatch_rule_evaluations_total Incident-rule pairs evaluated since the daemon started.")
        out.append("# TYPE hackwatch_rule_evaluations_total counter")
        out.append("hackwatch_rule_evaluations_total \(evaluations)")
        out.append("# HELP hackwatch_rule_matches_total Alerts fired per rule since the daemon started.")
        out.append("# TYPE hackwatch_rule_matches_total counter")
        for (rule, count) in matches.sorted(by: { $0.key < $1.key }) {
            out.append("hackwatch_rule_matches_total{rule=\"\(PrometheusText.escape(rule))\"} \(count)")
        }
        return out.joined(separator: "\n") + "\n"
    }
}
