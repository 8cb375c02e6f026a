import Foundation
import TestSupport

/// A 10 MiB DefiLlama feed of 283,398 minimal records beside a healthy 1 s feed, through the
/// release daemon: peak RSS (against the body and the idle RSS before the big poll), time of the
/// big feed's first poll, and the healthy feed's worst gap between polls while it runs (a big
/// feed must not stall the others).
func benchBigFeed(_ report: inout BenchReport) {
    let binary = ProcessInfo.processInfo.environment["HACKWATCH_BIN"] ?? ".build/release/hackwatch"
    guard FileManager.default.isExecutableFile(atPath: binary) else {
        report.note("bigfeed: \(binary) not built; skipped"); return
    }
    do {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hackwatch-bigfeed-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let count = 283_398
        let base = 1_500_000_000
        var body = "["
        body.reserveCapacity(11 << 20)
        for index in 0..<count {
            if index > 0 { body += "," }
            // ~36 bytes a record: 283,398 of them are the issue's 10 MiB feed.
            body += "{\"name\":\"H\(String(index, radix: 36))\",\"date\":\(base + index * 97)}"
        }
        body += "]"
        let bytes = Array(body.utf8)
        let gate = BigFeedGate()
        let smallPolls = PollTimes()
        let server = try LoopbackHTTPServer { request in
            if request.path == "/small" {
                smallPolls.add()
                return .text("[]", headers: [("Content-Type", "application/json")])
            }
            guard gate.isOpen else { return .text("[]", headers: [("Content-Type", "application/json")]) }
            return .response(status: 200, headers: [("Content-Type", "application/json")], body: bytes)
        }
        defer { server.stop() }
        try "rule huge {\n    when loss >= $1000000B\n}\n".write(to: dir.appendingPathComponent("big.rules"), atomically: true, encoding: .utf8)
        let config = """
        {"state_dir": "state", "rules": ["big.rules"], "baseline": "7d", "log_level": "info",
         "feeds": [{"name": "big", "url": "\(server.url("/big"))", "format": "defillama", "interval": "1s", "max_bytes": 16000000},
                   {"name": "small", "url": "\(server.url("/small"))", "format": "defillama", "interval": "1s"}],
         "sinks": [{"name": "out", "type": "stdout", "default": true}]}
        """
        let configPath = dir.appendingPathComponent("config.json").path
        try config.write(toFile: configPath, atomically: true, encoding: .utf8)
        let child = try BenchChild(binary, ["run", "--config", configPath], environment: ProcessInfo.processInfo.environment)
        defer { child.terminate() }
        // Idle first (both feeds empty), then the big body from its next poll on.
        guard child.waitForLine(containing: "feed=small", timeout: 60) else { throw BenchError("no first poll: \(child.tail())") }
        usleep(1_500_000)
        let idle = statusMiB(pid: child.pid, field: "VmRSS")
        let gapStart = smallPolls.count
        let opened = DispatchTime.now()
        gate.open()
        guard child.waitForLine(containing: "feed=big incidents=\(count)", timeout: 600) else {
            throw BenchError("the big feed's poll did not finish within 600 s")
        }
        let firstPoll = Double(DispatchTime.now().uptimeNanoseconds - opened.uptimeNanoseconds) / 1e9
        usleep(1_500_000)
        let peak = statusMiB(pid: child.pid, field: "VmHWM")
        let bodyMiB = Double(bytes.count) / 1_048_576
        report.record("bigfeed body (\(count) records)", bodyMiB, "MiB")
        report.record("bigfeed idle RSS before it", idle, "MiB")
        report.record("bigfeed peak RSS", peak, "MiB", note: String(format: "target ≤ 4 × body + idle = %.0f MiB", 4 * bodyMiB + idle))
        report.record("bigfeed first poll (fetch to polled)", firstPoll, "s", note: "target ≤ 5 s")
        report.record("bigfeed healthy 1 s feed's worst poll gap meanwhile", smallPolls.worstGap(from: gapStart), "s")
    } catch {
        report.note("bigfeed bench failed: \(error)")
    }
}

private final class BigFeedGate: @unchecked Sendable {
    private let lock = NSLock()
    private var opened = false
    var isOpen: Bool { lock.withLock { opened } }
    func open() { lock.withLock { opened = true } }
}

/// Arrival times of the healthy feed's polls.
private final class PollTimes: @unchecked Sendable {
    private let lock = NSLock()
    private var times: [Date] = []
    func add() { lock.withLock { times.append(Date()) } }
    var count: Int { lock.withLock { times.count } }
    /// The longest interval between polls from `index` on, up to now.
    func worstGap(from index: Int) -> Double {
        let list = lock.withLock { Array(times.dropFirst(max(0, index - 1))) } + [Date()]
        return zip(list, list.dropFirst()).map { $1.timeIntervalSince($0) }.max() ?? 0
    }
}
