import Foundation
import HackWatchConfiguration
import HackWatchFeeds

/// Feeds figures: parse time of the real DefiLlama snapshot (target ≤ 5 ms for ~150 KB) and of a
/// generated 10 MB RSS feed, with exact allocation counts and peak RSS of each parse.
///
/// Allocations are counted, not estimated: the bench re-runs itself once per input with a tiny
/// malloc-counting library (compiled here with `cc`, preloaded with `LD_PRELOAD`) that wraps
/// glibc's malloc/calloc/realloc/memalign family; the child reads the counters around one parse.
/// Each child also reports its peak RSS (VmHWM) above what it had before parsing. When `cc` is
/// missing only the RSS figures are reported (the report says so).
func benchFeeds(_ report: inout BenchReport) {
    if let probe = ProcessInfo.processInfo.environment[FeedsBench.probeVariable] {
        FeedsBench.runProbe(probe)  // child: prints figures and exits
    }
    guard let snapshot = FeedsBench.defiLlamaSnapshot() else {
        report.note("feeds: shared/feeds/defillama snapshot not found (set HACKWATCH_SHARED); DefiLlama figures skipped")
        benchGeneratedRSS(&report)
        return FeedsBench.removeCounterLibrary()
    }
    let config = FeedConfig(name: "defillama", url: "file:///dev/null", format: .defillama)
    var count = 0
    for _ in 0..<5 { count = (try? FeedParser.parse(snapshot, config: config).incidents.count) ?? -1 }
    let runs = (0..<50).map { _ in FeedsBench.measureBoth { _ = try? FeedParser.parse(snapshot, config: config) } }
    let cpu = runs.map(\.cpu).sorted(), wall = runs.map(\.wall).sorted()
    report.record("defillama_parse_cpu_median", cpu[cpu.count / 2] * 1000, "ms",
                  note: "\(snapshot.count) bytes, \(count) incidents, thread CPU time, median of 50 (target ≤ 5 ms)")
    report.record("defillama_parse_wall_median", wall[wall.count / 2] * 1000, "ms", note: "wall clock; noisy on a shared machine")
    report.record("defillama_parse_wall_min", wall[0] * 1000, "ms")
    let megabytesPerSecond = Double(snapshot.count) / 1e6 / cpu[cpu.count / 2]
    report.record("defillama_parse_throughput", megabytesPerSecond, "MB/s", note: "per CPU second (target ≥ 150 MB/s)")
    if let python = FeedsBench.pythonJSONLoads(snapshot) {
        report.record("defillama_python_json_loads_cpu_median", python * 1000, "ms", note: "python3 json.loads on the same bytes, median of 50")
        report.record("defillama_python_json_loads_throughput", Double(snapshot.count) / 1e6 / python, "MB/s")
        report.record("ratio defillama parse hackwatch/python json.loads", cpu[cpu.count / 2] / python, "x", note: "target < 1")
    } else {
        report.note("python3 not found: no json.loads comparison")
    }
    FeedsBench.recordProbe("defillama", into: &report)
    benchGeneratedRSS(&report)
    FeedsBench.removeCounterLibrary()
}

private func benchGeneratedRSS(_ report: inout BenchReport) {
    let rss = FeedsBench.generatedRSS(bytes: 10 << 20)
    let config = FeedConfig(name: "rss", url: "file:///dev/null", format: .rss)
    var count = 0
    let runs = (0..<3).map { _ in
        FeedsBench.measureBoth { count = (try? FeedParser.parse(rss, config: config).incidents.count) ?? -1 }
    }
    let cpu = runs.map(\.cpu).sorted()[1], wall = runs.map(\.wall).sorted()[1]
    report.record("rss_10mb_parse_cpu_median", cpu * 1000, "ms", note: "\(rss.count) bytes, \(count) items, thread CPU time, median of 3")
    report.record("rss_10mb_parse_wall_median", wall * 1000, "ms")
    report.record("rss_10mb_throughput", Double(rss.count) / 1_048_576 / cpu, "MiB/s", note: "per CPU second")
    report.record("rss_10mb_throughput_mb", Double(rss.count) / 1e6 / cpu, "MB/s", note: "per CPU second (target ≥ 100 MB/s)")
    FeedsBench.recordProbe("rss", into: &report)
}

/// Helpers for `benchFeeds` (inputs, the allocation-counting child process).
enum FeedsBench {
    /// Python's `json.loads` on `bytes`: median process CPU seconds of 50 runs (after 5 warm-ups),
    /// nil without python3. Only the parse is timed, as for hackwatch.
    static func pythonJSONLoads(_ bytes: [UInt8]) -> Double? {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("hackwatch-json-\(getpid()).json")
        defer { try? FileManager.default.removeItem(at: file) }
        guard (try? Data(bytes).write(to: file)) != nil else { return nil }
        let script = """
        import json, sys, time
        data = open(sys.argv[1], "rb").read()
        for _ in range(5): json.loads(data)
        runs = []
        for _ in range(50):
            start = time.thread_time(); json.loads(data); runs.append(time.thread_time() - start)
        runs.sort(); print(runs[len(runs) // 2])
        """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, file.path]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return nil }
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        return Double(text.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    static let probeVariable = "HACKWATCH_FEEDS_BENCH_PROBE"

    /// Wall-clock and this thread's CPU seconds of `body` (CPU time is what other processes on a
    /// busy machine disturb least).
    static func measureBoth(_ body: () -> Void) -> (wall: Double, cpu: Double) {
        func cpuNow() -> Double {
            var spec = timespec()
            clock_gettime(CLOCK_THREAD_CPUTIME_ID, &spec)
            return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
        }
        let cpuStart = cpuNow()
        let wall = measure(body)
        return (wall, cpuNow() - cpuStart)
    }

    static func defiLlamaSnapshot() -> [UInt8]? {
        guard let path = defiLlamaSnapshotPath(), let data = FileManager.default.contents(atPath: path) else { return nil }
        return [UInt8](data)
    }

    /// An RSS 2.0 feed of about `bytes` bytes: items like real news feeds' (escaped HTML
    /// descriptions, RFC 822 dates, categories, amounts in the text).
    static func generatedRSS(bytes: Int) -> [UInt8] {
        var out = Array(#"<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>Generated hacks</title><link>https://bench.example/</link>"#.utf8)
        out.reserveCapacity(bytes + 1024)
        let days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        var index = 0
        while out.count < bytes {
            let amount = (index * 7919) % 900 + 1
            let item = """
            <item><title>Protocol \(index) Bridge exploited for $\(amount) million</title>\
            <link>https://bench.example/hacks/\(index)</link><guid isPermaLink="false">bench-\(index)</guid>\
            <pubDate>\(days[index % 7]), \(index % 28 + 1) \(months[index % 12]) 20\(20 + index % 6) 10:\(10 + index % 50):00 GMT</pubDate>\
            <category>Exploits</category><category><![CDATA[DeFi & Bridges]]></category>\
            <description>&lt;p&gt;Attackers drained &lt;b&gt;$\(amount)M&lt;/b&gt; from the protocol's \
            bridge contracts on Ethereum and BNB Chain. Investigators suspect the Lazarus Group; \
            \(index % 3 == 0 ? "120,000 ETH moved to mixers." : "funds were bridged out.")&lt;/p&gt;</description></item>

            """
            out.append(contentsOf: item.utf8)
            index += 1
        }
        out.append(contentsOf: "</channel></rss>".utf8)
        return out
    }

    // MARK: allocation-counting child

    static let counterSource = """
    #define _GNU_SOURCE
    #include <stddef.h>
    #include <string.h>
    extern void *__libc_malloc(size_t); extern void *__libc_calloc(size_t, size_t);
    extern void *__libc_realloc(void *, size_t); extern void __libc_free(void *);
    extern void *__libc_memalign(size_t, size_t);
    static unsigned long long calls, total;
    static void count(size_t n) { __atomic_fetch_add(&calls, 1, __ATOMIC_RELAXED); __atomic_fetch_add(&total, n, __ATOMIC_RELAXED); }
    void *malloc(size_t n) { count(n); return __libc_malloc(n); }
    void *calloc(size_t a, size_t b) { count(a * b); return __libc_calloc(a, b); }
    void *realloc(void *p, size_t n) { count(n); return __libc_realloc(p, n); }
    void free(void *p) { __libc_free(p); }
    void *memalign(size_t a, size_t n) { count(n); return __libc_memalign(a, n); }
    void *aligned_alloc(size_t a, size_t n) { count(n); return __libc_memalign(a, n); }
    int posix_memalign(void **out, size_t a, size_t n) { count(n); void *p = __libc_memalign(a, n); if (!p) return 12; *out = p; return 0; }
    void hw_alloc_counters(unsigned long long *c, unsigned long long *t) {
        *c = __atomic_load_n(&calls, __ATOMIC_RELAXED); *t = __atomic_load_n(&total, __ATOMIC_RELAXED);
    }
    """

    static let counterDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("hackwatch-bench-\(getpid())")

    static func removeCounterLibrary() {
        try? FileManager.default.removeItem(at: counterDirectory)
    }

    /// Builds the counting library once per bench run; nil when no C compiler works.
    static let counterLibrary: String? = {
        let directory = counterDirectory
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let source = directory.appendingPathComponent("count.c").path
        let library = directory.appendingPathComponent("libhwcount.so").path
        guard (try? counterSource.write(toFile: source, atomically: true, encoding: .utf8)) != nil else { return nil }
        for compiler in ["/usr/bin/cc", "/usr/bin/gcc", "/usr/bin/clang"] where FileManager.default.isExecutableFile(atPath: compiler) {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: compiler)
            process.arguments = ["-O2", "-shared", "-fPIC", "-o", library, source]
            guard (try? process.run()) != nil else { continue }
            process.waitUntilExit()
            if process.terminationStatus == 0 { return library }
        }
        return nil
    }()

    /// Runs this binary again as a probe child for `input` and records what it prints.
    static func recordProbe(_ input: String, into report: inout BenchReport) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/proc/self/exe")
        process.arguments = ["--only", "feeds", "--out", "/dev/null"]
        var environment = ProcessInfo.processInfo.environment
        environment[probeVariable] = input
        if let library = counterLibrary { environment["LD_PRELOAD"] = library }
        process.environment = environment
        let pipe = Pipe()
        process.standardOutput = pipe
        guard (try? process.run()) != nil else { return report.note("feeds: probe for \(input) did not start") }
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        var figures: [String: Double] = [:]
        for line in output.split(separator: "\n") where line.hasPrefix("probe ") {
            let parts = line.split(separator: " ")
            if parts.count == 3, let value = Double(parts[2]) { figures[String(parts[1])] = value }
        }
        if let calls = figures["allocs"], let bytes = figures["alloc_bytes"] {
            report.record("\(input)_parse_allocations", calls, "mallocs", note: "counted by an LD_PRELOAD malloc wrapper, one parse")
            report.record("\(input)_parse_allocated", bytes / 1_048_576, "MiB", note: "sum of requested sizes")
        } else {
            report.note("feeds: allocation counts unavailable for \(input) (no C compiler); RSS only")
        }
        if let peak = figures["peak_rss_delta_mib"] {
            report.record("\(input)_parse_peak_rss_increase", peak, "MiB", note: "VmHWM after minus VmRSS before one parse")
        }
    }

    /// The child: one warm-up parse, then one counted parse; prints `probe NAME VALUE` lines and exits.
    static func runProbe(_ input: String) -> Never {
        let bytes: [UInt8]
        let config: FeedConfig
        if input == "rss" {
            bytes = generatedRSS(bytes: 10 << 20)
            config = FeedConfig(name: "rss", url: "file:///dev/null", format: .rss)
        } else {
            bytes = defiLlamaSnapshot() ?? []
            config = FeedConfig(name: "defillama", url: "file:///dev/null", format: .defillama)
        }
        typealias Counters = @convention(c) (UnsafeMutablePointer<UInt64>, UnsafeMutablePointer<UInt64>) -> Void
        let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "hw_alloc_counters")  // RTLD_DEFAULT
        let counters = symbol.map { unsafeBitCast($0, to: Counters.self) }
        let rssBefore = statusMiB(field: "VmRSS")
        var calls0: UInt64 = 0, bytes0: UInt64 = 0, calls1: UInt64 = 0, bytes1: UInt64 = 0
        counters?(&calls0, &bytes0)
        let result = try? FeedParser.parse(bytes, config: config)
        counters?(&calls1, &bytes1)
        let peak = statusMiB(field: "VmHWM")
        if counters != nil {
            print("probe allocs \(calls1 - calls0)")
            print("probe alloc_bytes \(bytes1 - bytes0)")
        }
        print("probe peak_rss_delta_mib \(max(0, peak - rssBefore))")
        print("probe incidents \(result?.incidents.count ?? -1)")
        exit(0)
    }
}
