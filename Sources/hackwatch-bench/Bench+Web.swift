// The HTTP listener's cost: idle RSS of the daemon without and with `http`, and /metrics
// requests per second under wrk (Debian package wrk, in BENCH_DEPS).
import Foundation
import TestSupport

func benchWeb(_ report: inout BenchReport) {
    let binary = ProcessInfo.processInfo.environment["HACKWATCH_BIN"] ?? ".build/release/hackwatch"
    guard FileManager.default.isExecutableFile(atPath: binary) else {
        report.note("web: \(binary) not built; skipped"); return
    }
    do {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hackwatch-bench-web-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let feed = dir.appendingPathComponent("feed.json")
        if let snapshot = defiLlamaSnapshotPath() {
            try FileManager.default.copyItem(atPath: snapshot, toPath: feed.path)
        } else {
            try Data("[]".utf8).write(to: feed)
        }
        try "rule big {\n    when loss > $100M\n}\n".write(to: dir.appendingPathComponent("big.rules"), atomically: true, encoding: .utf8)
        let port = freeLoopbackPort()
        var rss: [Double] = []
        for listener in [false, true] {
            let name = listener ? "with" : "without"
            let config = """
            {"state_dir": "state-\(name)", "rules": ["big.rules"], "log_level": "info",
             \(listener ? "\"http\": {\"listen\": \"127.0.0.1:\(port)\", \"max_connections\": 256}," : "")
             "feeds": [{"name": "bench", "url": "file://\(feed.path)", "format": "defillama", "interval": "5m"}],
             "sinks": [{"name": "out", "type": "stdout", "default": true}]}
            """
            let path = dir.appendingPathComponent("\(name).json").path
            try config.write(toFile: path, atomically: true, encoding: .utf8)
            let child = try BenchChild(binary, ["run", "--config", path], environment: ProcessInfo.processInfo.environment)
            defer { child.terminate() }
            guard child.waitForLine(containing: "feed polled", timeout: 60) else { throw BenchError("no first poll (\(name) listener)") }
            usleep(1_000_000)
            let value = statusMiB(pid: child.pid, field: "VmRSS")
            rss.append(value)
            report.record("hackwatch idle RSS after first poll, \(name) the HTTP listener", value, "MiB")
            guard listener else { continue }
            let wrk = "/usr/bin/wrk"
            guard FileManager.default.isExecutableFile(atPath: wrk) else { report.note("wrk not installed (BENCH_DEPS); no requests/s"); continue }
            let result = try runProcess(wrk, ["-t2", "-c16", "-d10s", "http://127.0.0.1:\(port)/metrics"])
            let line = result.stdout.split(separator: "\n").first { $0.hasPrefix("Requests/sec:") }
            let perSecond = line.flatMap { Double($0.split(separator: " ").last ?? "") } ?? 0
            report.record("GET /metrics under wrk -t2 -c16 -d10s", perSecond, "requests/s")
            report.record("hackwatch RSS after the wrk run", statusMiB(pid: child.pid, field: "VmRSS"), "MiB")
        }
        if rss.count == 2 { report.record("idle RSS added by the HTTP listener", rss[1] - rss[0], "MiB") }
    } catch {
        report.note("web bench failed: \(error)")
    }
}
