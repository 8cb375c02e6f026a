import Foundation
import TestSupport
import HackWatchHTTP

/// The daemon, measured as a user runs it (the release binary, a loopback feed and webhook
/// receiver), side by side with Debian's prometheus-alertmanager in the same run:
/// idle RSS after the first poll, start-to-READY, CPU over an idle window
/// (`BENCH_IDLE_SECONDS`, default 60), and the time to fan 1,000 and 10,000 alerts out to a
/// webhook (hackwatch's sink with `"senders": 4`, Alertmanager delivering each group on its own).
func benchDaemon(_ report: inout BenchReport) {
    let binary = ProcessInfo.processInfo.environment["HACKWATCH_BIN"] ?? ".build/release/hackwatch"
    guard FileManager.default.isExecutableFile(atPath: binary) else {
        report.note("daemon: \(binary) not built; skipped"); return
    }
    do {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hackwatch-bench-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let idleSeconds = Double(ProcessInfo.processInfo.environment["BENCH_IDLE_SECONDS"] ?? "") ?? 60
        let ours = try benchHackwatch(binary: binary, dir: dir, idleSeconds: idleSeconds, report: &report)
        guard let theirs = try benchAlertmanager(dir: dir, idleSeconds: idleSeconds, report: &report) else { return }
        report.record("ratio idle RSS hackwatch/alertmanager", ours.rss / theirs.rss, "x")
        report.record("ratio idle anonymous RSS hackwatch/alertmanager", ours.anon / theirs.anon, "x",
                      note: "heap, stacks, relocated data; the rest is file-backed pages of the binary and its shared libraries")
        if theirs.cpu > 0 {
            report.record("ratio idle CPU hackwatch/alertmanager", ours.cpu / theirs.cpu, "x")
        } else {
            report.note("ratio idle CPU: alertmanager used no measurable CPU (hackwatch \(ours.cpu) %)")
        }
        for count in fanOutCounts {
            guard let mine = ours.fanOut[count], let other = theirs.fanOut[count] else { continue }
            report.record("ratio \(count)-alert fan-out time hackwatch/alertmanager", mine / other, "x")
        }
    } catch {
        report.note("daemon bench failed: \(error)")
    }
}

private struct DaemonFigures { var rss: Double; var anon: Double; var cpu: Double; var fanOut: [Int: Double] }

/// The fan-out sizes measured for both daemons.
private let fanOutCounts = [1000, 10_000]

/// Deliveries in flight per webhook sink in the fan-out runs (the sink's `senders`).
private let fanOutSenders = 4

/// A DefiLlama-format feed of `count` incidents dated `age` seconds ago.
private func writeFeed(_ path: URL, count: Int, age: Double) throws {
    let now = Date().timeIntervalSince1970 - age
    let records = (0..<count).map { index in
        "{\"name\":\"Bench Protocol \(index)\",\"date\":\(Int(now) - index * 60),\"amount\":\(1_000_000 + index),"
            + "\"chain\":[\"Ethereum\"],\"classification\":\"Protocol Logic\",\"technique\":\"Reentrancy\","
            + "\"bridgeHack\":false,\"targetType\":\"DeFi Protocol\",\"returnedFunds\":null,\"source\":\"\",\"language\":\"Solidity\"}"
    }
    try Data(("[" + records.joined(separator: ",") + "]").utf8).write(to: path)
}

private func writeConfig(_ dir: URL, state: String, feedURL: String, hookURL: String, baseline: String,
                         senders: Int = 1) throws -> String {
    try "rule everything {\n    when true\n    severity high\n}\n"
        .write(to: dir.appendingPathComponent("all.rules"), atomically: true, encoding: .utf8)
    let config = """
    {"state_dir": "\(state)", "rules": ["all.rules"], "baseline": "\(baseline)", "log_level": "info",
     "feeds": [{"name": "bench", "url": "\(feedURL)", "format": "defillama", "interval": "5m"}],
     "sinks": [{"name": "hook", "type": "webhook", "url": "\(hookURL)", "default": true, "senders": \(senders)}]}
    """
    let path = dir.appendingPathComponent("\(state).json").path
    try config.write(toFile: path, atomically: true, encoding: .utf8)
    return path
}

private func benchHackwatch(binary: String, dir: URL, idleSeconds: Double, report: inout BenchReport) throws -> DaemonFigures {
    // Idle: the real DefiLlama snapshot when present (538 records, all older than the baseline).
    let feed = dir.appendingPathComponent("feed.json")
    if let snapshot = defiLlamaSnapshotPath() {
        try FileManager.default.copyItem(atPath: snapshot, toPath: feed.path)
    } else {
        try writeFeed(feed, count: 538, age: 400 * 86_400)
    }
    let receiver = try BenchReceiver(feedFile: feed.path)
    defer { receiver.stop() }
    let base = "http://127.0.0.1:\(receiver.port)"
    let notify = try BenchNotifySocket()
    var environment = ProcessInfo.processInfo.environment
    environment["NOTIFY_SOCKET"] = notify.name
    // Idle as under systemd: the unit's Environment= lines (GNUTLS_NO_IMPLICIT_INIT) apply.
    let unitEnvironment = unitEnvironmentLines()
    for (key, value) in unitEnvironment { environment[key] = value }
    if !unitEnvironment.isEmpty {
        report.note("hackwatch idle run with the unit's environment: " + unitEnvironment.map { "\($0.0)=\($0.1)" }.joined(separator: " "))
    }
    let idleConfig = try writeConfig(dir, state: "idle", feedURL: base + "/feed", hookURL: base + "/hook", baseline: "7d")
    let started = DispatchTime.now()
    let child = try BenchChild(binary, ["run", "--config", idleConfig], environment: environment)
    guard waitUntil(timeout: 30, { notify.arrival(of: "READY=1") != nil }), let ready = notify.arrival(of: "READY=1") else {
        child.terminate(); throw BenchError("hackwatch never sent READY=1")
    }
    report.record("hackwatch start-to-READY", Double(ready.uptimeNanoseconds - started.uptimeNanoseconds) / 1e6, "ms")
    guard child.waitForLine(containing: "feed polled", timeout: 60) else { child.terminate(); throw BenchError("no first poll") }
    let (rss, anon, cpu) = idleFigures("hackwatch", label: "idle RSS after first poll", pid: child.pid, idleSeconds: idleSeconds, report: &report)
    child.terminate()

    // Fan-out: fresh incidents, baseline 0s, one rule matching all, one webhook sink.
    var fanOut: [Int: Double] = [:]
    for count in fanOutCounts {
        try writeFeed(feed, count: count, age: 3600)
        let before = receiver.received, fetchesBefore = receiver.feedFetches.count
        let fanConfig = try writeConfig(dir, state: "fanout-\(count)", feedURL: base + "/feed", hookURL: base + "/hook",
                                        baseline: "0s", senders: fanOutSenders)
        let fanStart = DispatchTime.now()
        let fan = try BenchChild(binary, ["run", "--config", fanConfig], environment: ProcessInfo.processInfo.environment)
        let done = waitUntil(timeout: 300) { receiver.received - before >= count }
        let finished = DispatchTime.now()
        fan.terminate()
        guard done else { throw BenchError("hackwatch delivered \(receiver.received - before) of \(count) alerts") }
        report.record("hackwatch \(count)-alert webhook fan-out, process start to last delivery",
                      Double(finished.uptimeNanoseconds - fanStart.uptimeNanoseconds) / 1e9, "s",
                      note: "\"senders\": \(fanOutSenders)")
        // Comparable with Alertmanager's POST-to-delivered: from the feed body leaving the server
        // (parse, evaluate, record the firings, deliver) to the last webhook call.
        let fetched = receiver.feedFetches.dropFirst(fetchesBefore).first ?? fanStart
        let fanSeconds = Double(finished.uptimeNanoseconds - fetched.uptimeNanoseconds) / 1e9
        report.record("hackwatch \(count)-alert webhook fan-out, feed fetched to last delivery", fanSeconds, "s")
        fanOut[count] = fanSeconds
    }
    return DaemonFigures(rss: rss, anon: anon, cpu: cpu, fanOut: fanOut)
}

/// RSS once settled, then CPU use over an idle window (percent of one core).
private func idleFigures(_ name: String, label: String, pid: Int32, idleSeconds: Double,
                         report: inout BenchReport) -> (rss: Double, anon: Double, cpu: Double) {
    usleep(500_000)
    let rss = statusMiB(pid: pid, field: "VmRSS"), anon = statusMiB(pid: pid, field: "RssAnon")
    report.record("\(name) \(label)", rss, "MiB")
    report.record("\(name) \(label), anonymous", anon, "MiB")
    SmapsBreakdown(pid: pid)?.record(name, pid: pid, into: &report)
    let cpuBefore = cpuSeconds(pid: pid)
    Thread.sleep(forTimeInterval: idleSeconds)
    let cpu = (cpuSeconds(pid: pid) - cpuBefore) / idleSeconds * 100
    report.record("\(name) idle CPU over \(Int(idleSeconds)) s", cpu, "% of a core",
                  note: String(format: "resolution %.3f %% (one 10 ms clock tick)", 1 / idleSeconds))
    return (rss, anon, cpu)
}

private func benchAlertmanager(dir: URL, idleSeconds: Double, report: inout BenchReport) throws -> DaemonFigures? {
    let binary = "/usr/bin/prometheus-alertmanager"
    guard FileManager.default.isExecutableFile(atPath: binary) else {
        report.note("prometheus-alertmanager not installed (BENCH_DEPS); no comparison"); return nil
    }
    let feed = dir.appendingPathComponent("empty.json")
    try Data("[]".utf8).write(to: feed)
    let receiver = try BenchReceiver(feedFile: feed.path)
    defer { receiver.stop() }
    // group_by '...': every alert its own group, so 1,000 alerts are 1,000 webhook calls, as ours.
    let config = """
    route: {receiver: hook, group_by: ['...'], group_wait: 0s, group_interval: 1s, repeat_interval: 24h}
    receivers:
      - name: hook
        webhook_configs: [{url: 'http://127.0.0.1:\(receiver.port)/hook', send_resolved: false}]
    """
    let configPath = dir.appendingPathComponent("alertmanager.yml").path
    try config.write(toFile: configPath, atomically: true, encoding: .utf8)
    let port = freeLoopbackPort()
    let child = try BenchChild(binary, [
        "--config.file=\(configPath)", "--storage.path=\(dir.appendingPathComponent("am-data").path)",
        "--web.listen-address=127.0.0.1:\(port)", "--cluster.listen-address=",
    ], environment: ProcessInfo.processInfo.environment)
    defer { child.terminate() }
    let client = HTTPClient()
    let started = DispatchTime.now()
    guard waitUntil(timeout: 30, { (try? client.send(HTTPRequest(url: "http://127.0.0.1:\(port)/-/ready")))?.status == 200 }) else {
        throw BenchError("alertmanager did not become ready")
    }
    report.record("alertmanager start-to-ready", Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e6, "ms")
    let (rss, anon, cpu) = idleFigures("alertmanager", label: "idle RSS", pid: child.pid, idleSeconds: idleSeconds, report: &report)

    var fanOut: [Int: Double] = [:]
    for count in fanOutCounts {
        let before = receiver.received
        // Fresh label values per run, so the second batch is new alerts, not a repeat of the first.
        let alerts = (0..<count).map { "{\"labels\":{\"alertname\":\"hack\",\"incident\":\"bench-\(count)-\($0)\",\"severity\":\"high\"}}" }
        let body = Array(("[" + alerts.joined(separator: ",") + "]").utf8)
        let fanStart = DispatchTime.now()
        let response = try client.send(HTTPRequest(url: "http://127.0.0.1:\(port)/api/v2/alerts", method: .post,
                                                   headers: [("Content-Type", "application/json")], body: body))
        guard response.isSuccess else { throw BenchError("alertmanager refused alerts: HTTP \(response.status)") }
        let done = waitUntil(timeout: 300) { receiver.received - before >= count }
        let fanSeconds = Double(DispatchTime.now().uptimeNanoseconds - fanStart.uptimeNanoseconds) / 1e9
        guard done else { throw BenchError("alertmanager delivered \(receiver.received - before) of \(count) alerts") }
        report.record("alertmanager \(count)-alert webhook fan-out (POST to delivered)", fanSeconds, "s")
        fanOut[count] = fanSeconds
    }
    return DaemonFigures(rss: rss, anon: anon, cpu: cpu, fanOut: fanOut)
}

/// `KEY=VALUE` pairs from the `Environment=` lines of systemd/hackwatch.service (none when the
/// file is not there), so the idle figures are the daemon's as the unit runs it.
private func unitEnvironmentLines(_ path: String = "systemd/hackwatch.service") -> [(String, String)] {
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [] }
    return text.split(separator: "\n").compactMap { line in
        guard line.hasPrefix("Environment=") else { return nil }
        let pair = line.dropFirst("Environment=".count).split(separator: "=", maxSplits: 1)
        return pair.count == 2 ? (String(pair[0]), String(pair[1])) : nil
    }
}
