import Foundation
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// The HTTP listener of the real binary on a free loopback port (issue 17).
@Suite(.serialized) struct HTTPListenerTests {
    static let promtool = "/usr/bin/promtool", prometheus = "/usr/bin/prometheus", chromium = "/usr/bin/chromium"

    @Test func endpointsAnswerWithTheirStatusCodesAndBodies() throws {
        let harness = try ListenerHarness()
        defer { harness.stop() }
        try harness.start()
        #expect(harness.waitUntilReady(), "\(harness.stderr)")
        let api = try OpenAPIChecker()
        func get(_ path: String, template: String? = nil, _ method: String = "GET", headers: [String: String] = [:]) throws -> HTTPProbe.Response {
            let response = try harness.request(path, method: method, headers: headers)
            let problems = api.problems(method: method, template: template ?? String(path.split(separator: "?").first ?? ""),
                                        status: response.status, body: response.body)
            #expect(problems.isEmpty, "\(path): \(problems)")
            return response
        }

        #expect(try get("/-/healthy").status == 200)
        // The listener's own logging must not change the daemon's log level.
        #expect(harness.stderr.contains("INFO hackwatch: http listening address=127.0.0.1:\(harness.port)"), "\(harness.stderr)")
        #expect(harness.stderr.contains("INFO hackwatch: feed polled"))
        #expect(try get("/-/ready").body == "hackwatch is ready\n")

        let incidents = try get("/api/v1/incidents")
        #expect(incidents.status == 200)
        #expect(incidents.headers["content-type"] == "application/json")
        let list = HTTPProbe.json(incidents)["incidents"] as? [[String: Any]] ?? []
        #expect(list.map { $0["name"] as? String } == [ListenerHarness.hostileName, "Quiet Protocol"])
        let hostile = try #require(list.first)
        #expect(hostile["sources"] as? [String] == ["llama"])
        #expect(hostile["rules"] as? [String] == ["big_loss"])
        let delivery = (hostile["deliveries"] as? [[String: Any]])?.first
        #expect(delivery?["sink"] as? String == "hook")
        #expect(delivery?["status"] as? String == "delivered")

        let paged = HTTPProbe.json(try get("/api/v1/incidents?limit=1"))
        #expect((paged["incidents"] as? [Any])?.count == 1)
        #expect(paged["total"] as? Int == 2)
        let recent = HTTPProbe.json(try get("/api/v1/incidents?since=\(Int(Date().timeIntervalSince1970) - 36 * 3600)"))
        #expect((recent["incidents"] as? [[String: Any]])?.map { $0["name"] as? String } == [ListenerHarness.hostileName])
        let badLimit = try get("/api/v1/incidents?limit=0")
        #expect(badLimit.status == 400)
        #expect(HTTPProbe.json(badLimit)["error"] as? String == "limit: expected a whole number from 1 to 500, got '0'")
        #expect(try get("/api/v1/incidents?since=yesterday").status == 400)

        let ref = try #require(hostile["ref"] as? String)
        let one = try get("/api/v1/incidents/\(ref)", template: "/api/v1/incidents/{ref}")
        #expect(one.status == 200)
        #expect(HTTPProbe.json(one)["name"] as? String == ListenerHarness.hostileName)
        let missing = try get("/api/v1/incidents/\(String(repeating: "0", count: 32))", template: "/api/v1/incidents/{ref}")
        #expect(missing.status == 404)

        let alerts = try get("/api/v1/alerts")
        let rows = HTTPProbe.json(alerts)["alerts"] as? [[String: Any]] ?? []
        #expect(rows.map { $0["status"] as? String } == ["delivered"])
        #expect(!alerts.body.contains("SECRET-PATH"), "the sink URL never appears")
        #expect(try get("/api/v1/alerts?status=dead").body.contains("\"alerts\":[]"))
        #expect(try get("/api/v1/alerts?status=lost").status == 400)

        let feeds = HTTPProbe.json(try get("/api/v1/feeds"))["feeds"] as? [[String: Any]] ?? []
        #expect(feeds.map { $0["name"] as? String } == ["llama"])
        #expect(feeds.first?["health"] as? String == "ok")
        #expect(feeds.first?["lag_seconds"] is Double || feeds.first?["lag_seconds"] is Int)

        // Write endpoint: 401 without or with a wrong token; accepted with it; refused (500, old
        // config kept) when the rules are broken.
        let anonymous = try get("/-/reload", "POST")
        #expect(anonymous.status == 401)
        #expect(anonymous.headers["www-authenticate"] == "Bearer realm=\"hackwatch\"")
        #expect(try get("/-/reload", "POST", headers: ["Authorization": "Bearer wrong-token-0123456789"]).status == 401)
        let accepted = try get("/-/reload", "POST", headers: ["Authorization": "Bearer \(ListenerHarness.token)"])
        #expect(accepted.status == 200)
        #expect(HTTPProbe.json(accepted)["accepted"] as? Bool == true)
        #expect(HTTPProbe.json(accepted)["message"] as? String == "reloaded: 1 feeds, 1 rules, 1 sinks")
        try "rule broken {\n    when los > $1M\n}\n".write(to: harness.dir.appendingPathComponent("rules/main.rules"), atomically: true, encoding: .utf8)
        let refused = try get("/-/reload", "POST", headers: ["Authorization": "Bearer \(ListenerHarness.token)"])
        #expect(refused.status == 500)
        #expect(HTTPProbe.json(refused)["accepted"] as? Bool == false)
        #expect((HTTPProbe.json(refused)["message"] as? String ?? "").contains("unknown field 'los'; did you mean 'loss'?"))
        #expect(try get("/-/ready").status == 200, "a refused reload keeps the daemon ready on the old rules")

        let notFound = try harness.request("/api/v2/nothing")
        #expect(notFound.status == 404)
    }

    @Test func writeEndpointsAreForbiddenWithoutAToken() throws {
        let harness = try ListenerHarness(withToken: false)
        defer { harness.stop() }
        try harness.start()
        #expect(harness.waitUntilReady(), "\(harness.stderr)")
        let response = try harness.request("/-/reload", method: "POST", headers: ["Authorization": "Bearer anything"])
        #expect(response.status == 403)
        #expect(HTTPProbe.json(response)["error"] as? String == "write endpoints are disabled: set http.token_file to enable them")
    }

    /// The listener starts before the state database opens: while another process holds the
    /// database locked, `/-/ready` and the API say 503 and why; then 200.
    @Test func readyIs503UntilTheStoreIsOpen() throws {
        let harness = try ListenerHarness()
        defer { harness.stop() }
        let state = harness.dir.appendingPathComponent("state")
        try FileManager.default.createDirectory(at: state, withIntermediateDirectories: true)
        let locker = Process()
        locker.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        locker.arguments = ["-c", """
            import sqlite3, sys, time
            c = sqlite3.connect(sys.argv[1], isolation_level=None)
            c.execute('BEGIN EXCLUSIVE'); print('locked', flush=True); time.sleep(4); c.execute('COMMIT')
            """, state.appendingPathComponent("hackwatch.sqlite").path]
        let out = Pipe()
        locker.standardOutput = out
        try spawn(locker)
        _ = out.fileHandleForReading.availableData  // "locked"
        try harness.start()
        var early: HTTPProbe.Response?
        #expect(waitUntil(timeout: 3, every: 0.05) { early = try? harness.request("/-/ready"); return early != nil })
        #expect(early?.status == 503)
        #expect(early?.body == "not ready: the state database is not open yet\n")
        let api = try harness.request("/api/v1/feeds")
        #expect(api.status == 503)
        #expect(HTTPProbe.json(api)["error"] as? String == "starting: the state database is not open yet")
        #expect(try harness.request("/-/healthy").status == 200, "alive while not ready")
        #expect(harness.waitUntilReady(), "\(harness.stderr)")
        locker.waitUntilExit()
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: promtool), "promtool (Debian prometheus) is not installed"))
    func metricsPassPromtool() throws {
        let harness = try ListenerHarness()
        defer { harness.stop() }
        try harness.start()
        #expect(harness.waitUntilReady(), "\(harness.stderr)")
        let metrics = try harness.request("/metrics")
        #expect(metrics.status == 200)
        #expect(metrics.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8")
        for family in ["hackwatch_feed_polls_total{feed=\"llama\"}", "hackwatch_alerts{state=\"delivered\"} 1", "hackwatch_rules_loaded 1",
                       "hackwatch_feed_poll_duration_seconds_bucket{feed=\"llama\",le=\"+Inf\"}",
                       "hackwatch_delivery_latency_seconds_count{sink=\"hook\"} 1", "hackwatch_rule_matches_total{rule=\"big_loss\"} 1",
                       "hackwatch_rule_evaluations_total 2"] {
            #expect(metrics.body.contains(family), "\(family)")
        }
        let file = harness.dir.appendingPathComponent("metrics.txt")
        try metrics.body.write(to: file, atomically: true, encoding: .utf8)
        let check = try runProcess("/bin/sh", ["-c", "\(Self.promtool) check metrics < '\(file.path)'"])
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
        #expect(check.stdout + check.stderr == "", "promtool lint is silent")
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: prometheus), "prometheus (Debian prometheus) is not installed"))
    func aRealPrometheusScrapesTheListener() throws {
        let harness = try ListenerHarness()
        defer { harness.stop() }
        try harness.start()
        #expect(harness.waitUntilReady(), "\(harness.stderr)")
        let promPort = HTTPProbe.freePort()
        let config = harness.dir.appendingPathComponent("prometheus.yml")
        try """
        global: {scrape_interval: 1s, scrape_timeout: 1s}
        scrape_configs:
          - job_name: hackwatch
            static_configs: [{targets: ["127.0.0.1:\(harness.port)"]}]
        """.write(to: config, atomically: true, encoding: .utf8)
        let server = Process()
        server.executableURL = URL(fileURLWithPath: Self.prometheus)
        server.arguments = ["--config.file=\(config.path)", "--storage.tsdb.path=\(harness.dir.appendingPathComponent("tsdb").path)",
                            "--web.listen-address=127.0.0.1:\(promPort)"]
        server.standardOutput = FileHandle.nullDevice
        server.standardError = FileHandle.nullDevice
        try spawn(server)
        defer { server.terminate(); server.waitUntilExit() }
        var health = ""
        let up = waitUntil(timeout: 30, every: 0.25) {
            let targets = (try? HTTPProbe.request("/api/v1/targets", port: promPort)).map(HTTPProbe.json)
            let active = ((targets?["data"] as? [String: Any])?["activeTargets"] as? [[String: Any]]) ?? []
            health = active.first?["health"] as? String ?? ""
            return health == "up"
        }
        #expect(up, "target health: '\(health)'")
        var value = ""
        let queried = waitUntil(timeout: 15, every: 0.25) {
            let answer = (try? HTTPProbe.request("/api/v1/query?query=hackwatch_rules_loaded", port: promPort)).map(HTTPProbe.json)
            let result = ((answer?["data"] as? [String: Any])?["result"] as? [[String: Any]]) ?? []
            value = (result.first?["value"] as? [Any])?.last as? String ?? ""
            return value == "1"
        }
        #expect(queried, "hackwatch_rules_loaded = '\(value)'")
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: chromium), "chromium is not installed"))
    func statusPageShowsHostileNamesAsTextInChromium() throws {
        let harness = try ListenerHarness()
        defer { harness.stop() }
        try harness.start()
        #expect(harness.waitUntilReady(), "\(harness.stderr)")
        let profile = harness.dir.appendingPathComponent("chromium")
        let result = try runProcess(Self.chromium, ["--headless", "--no-sandbox", "--disable-gpu", "--user-data-dir=\(profile.path)",
                                                    "--dump-dom", "http://127.0.0.1:\(harness.port)/"],
                                    environment: ["HOME": harness.dir.path, "PATH": "/usr/bin:/bin"])
        let dom = result.stdout
        #expect(dom.contains("<table id=\"feeds\">"), "\(result.stderr.suffix(2000))")
        #expect(dom.contains("<td class=\"name\">llama</td><td class=\"health ok\">ok</td>"))
        // The hostile name is one text node: serialised back as entities, and no element it names exists.
        #expect(dom.contains("<td class=\"name\">&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt; Bridge</td>"))
        #expect(!dom.contains("<script"))
        #expect(!dom.contains("<img"))
        #expect(dom.contains("<td>$50M</td><td>llama</td><td>big_loss</td><td><ul><li class=\"delivered\">hook: delivered</li></ul></td>"))
        #expect(dom.contains("<p id=\"outbox-counts\">0 pending, 1 delivered, 0 dead</p>"))
        #expect(dom.contains("<td class=\"delivered\">delivered</td>"))
    }

    /// Slow clients, a 1 GB body and thousands of connections at once: each is cut off by its
    /// limit, and the feed keeps polling every second meanwhile.
    @Test func abuseIsCutOffAndPollingStaysOnTime() throws {
        let harness = try ListenerHarness(http: ", \"request_timeout\": \"2s\", \"max_connections\": 16", interval: "1s")
        defer { harness.stop() }
        try harness.start()
        #expect(harness.waitUntilReady(), "\(harness.stderr)")
        let start = Date()

        // Slowloris: a header byte every 300 ms is never idle, but the request deadline closes it.
        let slow = try (0..<8).map { _ in try HTTPProbe.connect(port: harness.port) }
        for fd in slow { _ = HTTPProbe.send(fd, "GET / HTTP/1.1\r\nHost: x\r\n") }
        // The trickle thread ends before the descriptors are closed: sending to a closed number
        // would write into whatever descriptor another test opened under it meanwhile (a
        // Process's termination socket, a loopback connection).
        let stopTrickle = DispatchSemaphore(value: 0), trickled = DispatchSemaphore(value: 0)
        let trickle = Thread {
            for _ in 0..<15 {
                for fd in slow { _ = HTTPProbe.send(fd, "X") }
                if stopTrickle.wait(timeout: .now() + 0.3) == .success { break }
            }
            trickled.signal()
        }
        trickle.start()
        #expect(slow.allSatisfy { HTTPProbe.closedByPeer($0, within: 4.5) }, "slowloris connections closed by the deadline")
        stopTrickle.signal()
        trickled.wait()
        slow.forEach { close($0) }

        // 1 GB announced: 413 before the body is read, then the connection is closed.
        let upload = try HTTPProbe.connect(port: harness.port)
        _ = HTTPProbe.send(upload, "POST /-/reload HTTP/1.1\r\nHost: x\r\nContent-Length: 1073741824\r\n\r\n")
        let pushed = HTTPProbe.upload(upload, [UInt8](repeating: 0x41, count: 1 << 16), total: 1 << 30)
        let refusal = try HTTPProbe.parse(HTTPProbe.readAll(upload))
        close(upload)
        #expect(refusal.status == 413)
        #expect(pushed < 64 << 20, "the server stopped reading long before 1 GB (\(pushed) bytes)")
        // Chunked, no length: the router has answered the head (401, no token) and does not read
        // the body; once the body passes max_body_bytes the server stops reading and closes, so a
        // client sending blindly is cut off within a few MiB (socket buffers), not at 1 GB.
        let chunked = try HTTPProbe.connect(port: harness.port)
        _ = HTTPProbe.send(chunked, "POST /-/reload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n")
        let piece = Array(("8000\r\n" + String(repeating: "B", count: 0x8000) + "\r\n").utf8)
        var streamed = 0
        while streamed < 1 << 30, HTTPProbe.send(chunked, piece) { streamed += piece.count }
        #expect(streamed < 64 << 20, "cut off after \(streamed) bytes")
        close(chunked)

        // Oversized headers: SwiftNIO's parser refuses past 80 KiB.
        let big = try harness.request("/-/healthy", headers: ["X-Big": String(repeating: "h", count: 100_000)])
        #expect(big.status == 400)

        // 10,000 connections at once (non-blocking connects, never a request; fewer if this
        // process may not open that many): only max_connections are accepted, the rest wait in
        // the kernel and never become the daemon's file descriptors.
        var limit = rlimit()
        getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        var flood: [Int32] = []
        for _ in 0..<min(10_000, Int(limit.rlim_cur) - 200) {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = UInt16(harness.port).bigEndian
            address.sin_addr.s_addr = in_addr_t(0x7F00_0001).bigEndian
            _ = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            flood.append(fd)
        }
        Thread.sleep(forTimeInterval: 3)
        let daemonFDs = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(harness.process!.processIdentifier)/fd").count) ?? 0
        #expect(daemonFDs < 200, "the daemon holds \(daemonFDs) fds during the flood")
        flood.forEach { close($0) }
        // The listener recovers once the flood is gone.
        #expect(waitUntil(timeout: 10, every: 0.2) { (try? harness.request("/-/healthy"))?.status == 200 })

        // Polling never waited for any of it: every gap between polls stays near the 1 s interval.
        let during = harness.pollTimes.filter { $0 >= start.addingTimeInterval(-1.5) }
        let gaps = zip(during, during.dropFirst()).map { $1.timeIntervalSince($0) }
        #expect(during.count >= Int(Date().timeIntervalSince(start)) - 2, "\(during.count) polls in \(Date().timeIntervalSince(start)) s")
        #expect((gaps.max() ?? 0) < 2.5, "longest gap between polls: \(gaps.max() ?? 0) s")
    }

    @Test func listensOnIPv6AndAUnixSocket() throws {
        let v6 = try ListenerHarness(listen: "[::1]:\(HTTPProbe.freePort())")
        defer { v6.stop() }
        let v6Port = Int(v6.configText.split(separator: "]:").last?.split(separator: "\"").first ?? "") ?? 0
        try v6.start()
        #expect(waitUntil(timeout: 20, every: 0.1) { (try? HTTPProbe.request("/-/ready", host: "::1", port: v6Port))?.status == 200 },
                "\(v6.stderr)")

        let socketPath = "/tmp/hackwatch-http-\(getpid())-\(HTTPProbe.freePort()).sock"
        let unix = try ListenerHarness(listen: socketPath)
        defer { unix.stop() }
        try unix.start()
        #expect(waitUntil(timeout: 20, every: 0.1) { (try? HTTPProbe.request("/-/ready", host: socketPath, port: nil))?.status == 200 },
                "\(unix.stderr)")
        let feeds = try HTTPProbe.request("/api/v1/feeds", host: socketPath, port: nil)
        #expect(feeds.status == 200)
        unix.stop()
        #expect(!FileManager.default.fileExists(atPath: socketPath), "the socket file is removed at stop")
    }

    /// The unit runs hackwatch without capabilities as an unprivileged user (NoNewPrivileges,
    /// CapabilityBoundingSet=): the listener needs nothing more.
    @Test(.enabled(if: getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv"), "needs root and setpriv"))
    func listensWithoutCapabilitiesAsAnUnprivilegedUser() throws {
        let harness = try ListenerHarness()
        defer { harness.stop() }
        chmod(harness.dir.path, 0o777)
        try harness.start(launcher: ["/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--no-new-privs",
                                     "--inh-caps=-all", "--bounding-set=-all"])
        #expect(harness.waitUntilReady(), "\(harness.stderr)")
        #expect(try harness.request("/metrics").status == 200)
        let status = try String(contentsOfFile: "/proc/\(harness.process!.processIdentifier)/status", encoding: .utf8)
        #expect(status.contains("CapEff:\t0000000000000000"))
        #expect(status.contains("NoNewPrivs:\t1"))
    }

    @Test func aPortInUseStopsTheStartWithAConfigError() throws {
        let first = try ListenerHarness()
        defer { first.stop() }
        try first.start()
        #expect(first.waitUntilReady(), "\(first.stderr)")
        let second = try ListenerHarness(listen: "127.0.0.1:\(first.port)")
        defer { second.stop() }
        try second.start()
        #expect(waitUntil(timeout: 20) { second.process?.isRunning == false })
        #expect(second.process?.terminationStatus == 78)
        #expect(second.stderr.contains("http.listen 127.0.0.1:\(first.port): cannot listen"), "\(second.stderr)")
    }
}
