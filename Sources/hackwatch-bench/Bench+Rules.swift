import Foundation
import HackWatchConfiguration
import HackWatchFeeds
import HackWatchModel
import HackWatchRules

/// Rules: (incident × rule) evaluations per second of the shipped rules over the real DefiLlama
/// snapshot (one thread, so the figure is per core), and load time of a generated 1,000-rule file.
func benchRules(_ report: inout BenchReport) {
    if ProcessInfo.processInfo.environment[RulesAllocationProbe.variable] != nil { RulesAllocationProbe.run() }
    let rulesPath = ["rules/default.rules", "../rules/default.rules"].first { FileManager.default.fileExists(atPath: $0) }
    guard let rulesPath, let ruleSet = RuleLoader.load(paths: [rulesPath], sinkNames: nil).ruleSet else {
        report.note("rules/default.rules not found or not loadable; run from the repository root")
        return
    }
    let enabled = ruleSet.rules.filter(\.enabled).count

    if let incidents = defiLlamaIncidents() {
        let now = Date(), seconds1970 = now.timeIntervalSince1970
        var matches = 0
        // Warm up, then time enough rounds for a stable figure.
        for incident in incidents { matches &+= ruleSet.matchCount(incident, now: now) }
        let rounds = 400
        matches = 0
        let seconds = cpuSeconds {
            // Each incident read in place: copying it out of the array would retain its ~16
            // strings and lists, more than a simple rule costs.
            incidents.withUnsafeBufferPointer { buffer in
                let base = buffer.baseAddress!
                for _ in 0..<rounds {
                    for index in buffer.indices { matches &+= ruleSet.matchCount(base + index, now: seconds1970) }
                }
            }
        }
        let evaluations = Double(rounds * incidents.count * enabled)
        report.record("rules_eval_per_s", evaluations / seconds, "evals/s",
                      note: "\(enabled) shipped rules x \(incidents.count) DefiLlama incidents, per CPU-second of 1 thread, target >= 20M")
        // Per rule, with a fresh context per incident (so each pays its own case folding).
        func perRule(_ rule: CompiledRule, rounds: Int) -> (ns: Double, hits: Int) {
            var hits = 0
            let seconds = cpuSeconds {
                incidents.withUnsafeBufferPointer { buffer in
                    let base = buffer.baseAddress!
                    for _ in 0..<rounds {
                        for index in buffer.indices where rule.matches(base + index, now: seconds1970) { hits += 1 }
                    }
                }
            }
            return (seconds / Double(rounds * incidents.count) * 1e9, hits / rounds)
        }
        for rule in ruleSet.rules where rule.enabled {
            let (ns, hits) = perRule(rule, rounds: 200)
            report.record("rules_ns_\(rule.name)", ns, "ns", note: "\(hits) matches")
        }
        if let trivial = RuleLoader.load(sources: [("trivial.rules", Array("rule trivial { when loss >= $100M }\n".utf8))],
                                         sinkNames: nil).ruleSet?.rules.first {
            let (ns, hits) = perRule(trivial, rounds: 2_000)
            report.record("rules_ns_trivial", ns, "ns", note: "`loss >= $100M`, one rule, context made per incident; \(hits) matches; target <= 20 ns")
        }
        RulesAllocationProbe.record(into: &report)
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

/// Allocations per evaluated incident, counted exactly: this binary re-run with the feeds
/// bench's LD_PRELOAD malloc counter, one warm pass of the shipped rules over the snapshot, then
/// one counted pass.
enum RulesAllocationProbe {
    static let variable = "HACKWATCH_RULES_BENCH_PROBE"

    static func record(into report: inout BenchReport) {
        guard let library = FeedsBench.counterLibrary else {
            return report.note("rules: allocation count unavailable (no C compiler)")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/proc/self/exe")
        process.arguments = ["--only", "rules", "--out", "/dev/null"]
        var environment = ProcessInfo.processInfo.environment
        environment[variable] = "1"
        environment["LD_PRELOAD"] = library
        process.environment = environment
        let pipe = Pipe()
        process.standardOutput = pipe
        guard (try? process.run()) != nil else { return report.note("rules: allocation probe did not start") }
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let values = output.split(separator: "\n").filter { $0.hasPrefix("probe ") }.map { $0.split(separator: " ") }
        guard let line = values.first(where: { $0.count == 4 }), let allocs = Double(line[1]), let incidents = Double(line[2]),
              let matches = Int(line[3]), incidents > 0 else { return report.note("rules: allocation probe printed nothing") }
        report.record("rules_allocs_per_incident", allocs / incidents, "mallocs",
                      note: "\(Int(allocs)) over one pass of the shipped rules x \(Int(incidents)) incidents (\(matches) matches); target 0")
    }

    /// The child: prints `probe ALLOCS INCIDENTS MATCHES` and exits.
    static func run() -> Never {
        typealias Counters = @convention(c) (UnsafeMutablePointer<UInt64>, UnsafeMutablePointer<UInt64>) -> Void
        let rulesPath = ["rules/default.rules", "../rules/default.rules"].first { FileManager.default.fileExists(atPath: $0) }
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "hw_alloc_counters"), let rulesPath,
              let ruleSet = RuleLoader.load(paths: [rulesPath], sinkNames: nil).ruleSet, let incidents = defiLlamaIncidents() else { exit(1) }
        let counters = unsafeBitCast(symbol, to: Counters.self)
        let seconds1970 = Date().timeIntervalSince1970
        var matches = 0
        incidents.withUnsafeBufferPointer { buffer in
            let base = buffer.baseAddress!
            for index in buffer.indices { matches &+= ruleSet.matchCount(base + index, now: seconds1970) }
        }
        var calls0: UInt64 = 0, bytes0: UInt64 = 0, calls1: UInt64 = 0, bytes1: UInt64 = 0
        matches = 0
        counters(&calls0, &bytes0)
        incidents.withUnsafeBufferPointer { buffer in
            let base = buffer.baseAddress!
            for index in buffer.indices { matches &+= ruleSet.matchCount(base + index, now: seconds1970) }
        }
        counters(&calls1, &bytes1)
        print("probe \(calls1 - calls0) \(incidents.count) \(matches)")
        exit(0)
    }
}
