import Foundation
import HackWatchConfiguration
import HackWatchFeeds
import HackWatchModel
import HackWatchRules

/// Rules: (incident × rule) evaluations per second of the shipped rules over the real DefiLlama
/// snapshot (one thread, so the figure is per core), and load time of a generated 1,000-rule file.
func benchRules(_ report: inout BenchReport) {
    let rulesPath = ["rules/default.rules", "../rules/default.rules"].first { FileManager.default.fileExists(atPath: $0) }
    guard let rulesPath, let ruleSet = RuleLoader.load(paths: [rulesPath], sinkNames: nil).ruleSet else {
        report.note("rules/default.rules not found or not loadable; run from the repository root")
        return
    }
    let enabled = ruleSet.rules.filter(\.enabled).count

    if let incidents = defiLlamaIncidents() {
        let now = Date()
        var matches = 0
        // Warm up, then time enough rounds for a stable figure.
        for incident in incidents { matches &+= ruleSet.matchCount(incident, now: now) }
        let rounds = 400
        matches = 0
        let seconds = cpuSeconds {
            // Through a buffer so the harness passes each incident without copying it.
            incidents.withUnsafeBufferPointer { buffer in
                for _ in 0..<rounds {
                    for index in buffer.indices { matches &+= ruleSet.matchCount(buffer[index], now: now) }
                }
            }
        }
        let evaluations = Double(rounds * incidents.count * enabled)
        report.record("rules_eval_per_s", evaluations / seconds, "evals/s",
                      note: "\(enabled) shipped rules x \(incidents.count) DefiLlama incidents, per CPU-second of 1 thread, target >= 5M")
        // Per rule, with a fresh context per incident (so each pays its own case folding).
        for rule in ruleSet.rules where rule.enabled {
            var hits = 0
            let perRule = cpuSeconds {
                for _ in 0..<50 {
                    for index in incidents.indices where rule.matches(incidents[index], now: now) { hits += 1 }
                }
            }
            report.record("rules_ns_\(rule.name)", perRule / Double(50 * incidents.count) * 1e9, "ns", note: "\(hits / 50) matches")
        }
        report.record("rules_ns_per_incident", seconds / Double(rounds * incidents.count) * 1e9, "ns",
                      note: "all \(enabled) rules incl. case folding; \(matches / rounds) matches per pass")
    } else {
        report.note("shared/feeds/defillama snapshot not found; skipping evaluation figures")
    }

    let generated = generatedRules(count: 1_000)
    var loadSeconds = Double.infinity
    var loaded = 0
    for _ in 0..<5 {
        let seconds = cpuSeconds {
            loaded = RuleLoader.load(sources: [("generated.rules", generated)], sinkNames: ["chat", "syslog"]).ruleSet?.rules.count ?? -1
        }
        loadSeconds = min(loadSeconds, seconds)
    }
    report.record("rules_load_1000_ms", loadSeconds * 1000, "ms",
                  note: "\(generated.count / 1024) KiB, \(loaded) rules: lex, parse, resolve, type-check, compile (best of 5)")
    report.record("rules_peak_rss", peakRSSMiB(), "MiB")
}

func defiLlamaIncidents() -> [Incident]? {
    guard let path = defiLlamaSnapshotPath(), let data = FileManager.default.contents(atPath: path) else { return nil }
    let config = FeedConfig(name: "defillama", url: "file://" + path, format: .defillama)
    return try? FeedParser.parse([UInt8](data), config: config).incidents
}

/// A 1,000-rule file that uses every construct: lets, macros, lists, regexes, all operators.
private func generatedRules(count: Int) -> [UInt8] {
    var text = """
        let cex = ["CEX", "Exchange", "Custodian"]
        let groups = ["Lazarus Group", "TraderTraitor", "APT38"]
        macro big = loss >= $100M or returned >= $50M
        macro dprk = attribution in groups or text matches /north korea|dprk|lazarus/i

        """
    for i in 0..<count {
        let condition: String
        switch i % 5 {
        case 0: condition = "loss > $\(i + 1)M and age < \(i % 30 + 1)d"
        case 1: condition = "big and (chains contains \"Chain\(i)\" or name startswith \"proj\(i)\")"
        case 2: condition = "name matches /^proj\(i)[a-z]*(v[0-9]+)?$/i or technique contains \"key \(i)\""
        case 3: condition = "target in cex and not dprk and date > 2022-01-\(String(format: "%02d", i % 28 + 1))"
        default: condition = "bridge and net_loss >= \(i * 1000) and tags not in [\"test\(i)\", \"dup\"] and url exists"
        }
        text += "# rule \(i)\nrule r\(i) {\n    when \(condition)\n    severity \(["info", "low", "medium", "high", "critical"][i % 5])\n    notify chat\n}\n"
    }
    return Array(text.utf8)
}

/// CPU seconds this thread spent in `body` (per-core figures stay honest on a shared machine).
private func cpuSeconds(_ body: () -> Void) -> Double {
    func now() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }
    let start = now()
    body()
    return now() - start
}
