import Foundation
import TestSupport

/// The ingest path's steady state and first-alert latency, through the release daemon
/// (issue 19): a 53,800-record DefiLlama feed served without validators (so every poll
/// downloads the body) — first poll, an unchanged re-poll, a re-poll with 10 changed records —
/// and, on a fresh state, the time from a 10,000-alert feed leaving the server to the first
/// webhook delivery.
func benchIngest(_ report: inout BenchReport) {
    let binary = ProcessInfo.processInfo.environment["HACKWATCH_BIN"] ?? ".build/release/hackwatch"
    guard FileManager.default.isExecutableFile(atPath: binary) else {
        report.note("ingest: \(binary) not built; skipped"); return
    }
    do {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hackwatch-ingest-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try steadyState(binary: binary, dir: dir, report: &report)
        try firstAlert(binary: binary, dir: dir, report: &report)
    } catch {
        report.note("ingest bench failed: \(error)")
    }
}

/// DefiLlama-shaped records; `loss(i)` gives record i's amount.
private func ingestBody(count: Int, base: Int, loss: (Int) -> Int) -> [UInt8] {
    var body = "["
    body.reserveCapacity(count * 200)
    for index in 0..<count {
        if index > 0 { body += "," }
        body += "{\"name\":\"Ingest Protocol \(index)\",\"date\":\(base - index * 60),\"amount\":\(loss(index)),"
            + "\"chain\":[\"Ethereum\"],\"classification\":\"Protocol Logic\",\"technique\":\"Reentrancy\","
            + "\"bridgeHack\":false,\"targetType\":\"DeFi Protocol\",\"returnedFunds\":null,\"source\":\"\",\"language\":\"Solidity\"}"
    }
    return Array((body + "]").utf8)
}

/// What the loopback feed serves, and when it last served it.
private final class IngestFeed: @unchecked Sendable {
    private let lock = NSLock()
    private var body: [UInt8]
    private var served: [DispatchTime] = []
    init(_ body: [UInt8]) { self.body = body }
    func set(_ body: [UInt8]) { lock.withLock { self.body = body } }
    func serve() -> [UInt8] { lock.withLock { served.append(.now()); return body } }
    var serves: [DispatchTime] { lock.withLock { served } }
}

/// Waits for the `n`-th log line containing `text` (1 ms steps) and returns when it came.
private func lineTime(_ child: BenchChild, _ text: String, count: Int, timeout: Double) -> DispatchTime? {
    guard waitUntil(timeout: timeout, every: 0.001, { child.count(containing: text) >= count }) else { return nil }
    return .now()
}

private func seconds(_ from: DispatchTime, _ to: DispatchTime) -> Double {
    Double(to.uptimeNanoseconds &- from.uptimeNanoseconds) / 1e9
}

private func steadyState(binary: String, dir: URL, report: inout BenchReport) throws {
    let count = 53_800
    // All older than the baseline: the first poll records them silently, as a new install does.
    let base = Int(Date().timeIntervalSince1970) - 30 * 86_400
    let original = ingestBody(count: count, base: base) { 1_000_000 + $0 }
    let feed = IngestFeed(original)
    let server = try LoopbackHTTPServer { _ in
        .response(status: 200, headers: [("Content-Type", "application/json")], body: feed.serve())
    }
    defer { server.stop() }
    try "rule huge {\n    when loss >= $1000000B\n}\n".write(to: dir.appendingPathComponent("ingest.rules"), atomically: true, encoding: .utf8)
    let config = """
    {"state_dir": "steady", "rules": ["ingest.rules"], "baseline": "7d", "log_level": "info",
     "feeds": [{"name": "ingest", "url": "\(server.url("/feed"))", "format": "defillama", "interval": "2s", "max_bytes": 64000000}],
     "sinks": [{"name": "out", "type": "stdout", "default": true}]}
    """
    let configPath = dir.appendingPathComponent("steady.json").path
    try config.write(toFile: configPath, atomically: true, encoding: .utf8)
    let child = try BenchChild(binary, ["run", "--config", configPath], environment: ProcessInfo.processInfo.environment)
    defer { child.terminate() }
    guard let firstDone = lineTime(child, "feed=ingest incidents=\(count)", count: 1, timeout: 300),
          let firstServed = feed.serves.first else { throw BenchError("no first poll: \(child.tail())") }
    report.record("ingest first poll of \(count) records (fetch to polled)", seconds(firstServed, firstDone), "s",
                  note: "\(original.count) bytes; target ≤ 3 s")
    // Unchanged: the next polls serve the same bytes (no validators): best of 3.
    var unchanged: [Double] = []
    for round in 1...3 {
        guard let done = lineTime(child, "body=unchanged", count: round, timeout: 30) else { throw BenchError("no unchanged re-poll") }
        if let served = feed.serves.last { unchanged.append(seconds(served, done)) }
    }
    report.record("ingest unchanged-body re-poll of \(count) records", (unchanged.min() ?? 0) * 1000, "ms",
                  note: "fetch to polled, best of 3; target ≤ 50 ms")
    // Ten records change (a revised loss each, still below every rule): only they are processed.
    feed.set(ingestBody(count: count, base: base) { $0 % 5_000 == 0 ? 2_000_000 + $0 : 1_000_000 + $0 })
    let servesBefore = feed.serves.count
    guard let changedDone = lineTime(child, "changed=11 feed=ingest", count: 1, timeout: 60) else {
        throw BenchError("no changed re-poll: \(child.tail())")
    }
    let changedServed = feed.serves.dropFirst(servesBefore).first ?? changedDone
    report.record("ingest re-poll with 11 of \(count) records changed", seconds(changedServed, changedDone) * 1000, "ms",
                  note: "fetch to polled; one query for the feed's id → hash map")
    report.record("ingest daemon peak RSS", statusMiB(pid: child.pid, field: "VmHWM"), "MiB")
}

private func firstAlert(binary: String, dir: URL, report: inout BenchReport) throws {
    let count = 10_000
    let base = Int(Date().timeIntervalSince1970) - 3600
    let feed = IngestFeed(ingestBody(count: count, base: base) { 1_000_000 + $0 })
    let server = try LoopbackHTTPServer { request in
        if request.path == "/feed" { return .response(status: 200, headers: [("Content-Type", "application/json")], body: feed.serve()) }
        hooks.add()
        return .text("ok")
    }
    defer { server.stop() }
    try "rule everything {\n    when true\n    severity high\n}\n".write(to: dir.appendingPathComponent("all.rules"), atomically: true, encoding: .utf8)
    let config = """
    {"state_dir": "first", "rules": ["all.rules"], "baseline": "0s", "log_level": "info",
     "feeds": [{"name": "fan", "url": "\(server.url("/feed"))", "format": "defillama", "interval": "5m", "max_bytes": 64000000}],
     "sinks": [{"name": "hook", "type": "webhook", "url": "\(server.url("/hook"))", "default": true}]}
    """
    let configPath = dir.appendingPathComponent("first.json").path
    try config.write(toFile: configPath, atomically: true, encoding: .utf8)
    let child = try BenchChild(binary, ["run", "--config", configPath], environment: ProcessInfo.processInfo.environment)
    defer { child.terminate() }
    guard waitUntil(timeout: 120, every: 0.001, { hooks.first != nil }), let first = hooks.first,
          let served = feed.serves.first else { throw BenchError("no webhook delivery: \(child.tail())") }
    report.record("ingest first of \(count) alerts delivered after the feed was fetched", seconds(served, first), "s",
                  note: "target ≤ 0.25 s")
}

/// Arrival of the first webhook call.
private let hooks = HookTimes()
private final class HookTimes: @unchecked Sendable {
    private let lock = NSLock()
    private var time: DispatchTime?
    func add() { lock.withLock { if time == nil { time = .now() } } }
    var first: DispatchTime? { lock.withLock { time } }
}
