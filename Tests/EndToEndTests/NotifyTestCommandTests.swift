import Foundation
import Testing
import TestSupport

/// `hackwatch notify-test` with the built binary against loopback destinations: every sink
/// type, answered 200, answered 404, and a refused port.
@Suite struct NotifyTestCommandTests {
    /// What every destination answers on success (Slack's bot API and Telegram want `ok`).
    static let okBody = #"{"ok": true, "id": "1", "ts": "1.2", "result": {"message_id": 7}}"#

    static var httpSinkNames: [String] { NotifyTestHarness.httpSinks.map(\.name) }

    static func assertNoSecrets(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) {
        for secret in NotifyTestHarness.secrets {
            #expect(!text.contains(secret), "secret \(secret) in output: \(text)", sourceLocation: sourceLocation)
        }
    }

    @Test(arguments: httpSinkNames)
    func answered200IsDeliveredAndExitsZero(sink: String) throws {
        let server = try LoopbackHTTPServer { _ in .text(Self.okBody, headers: [("Content-Type", "application/json")]) }
        defer { server.stop() }
        let harness = try NotifyTestHarness(base: server.baseURL)
        defer { harness.clean() }
        let result = try Binary.run(["notify-test", "--config", harness.configURL.path, sink])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        let path = try #require(NotifyTestHarness.httpSinks.first { $0.name == sink }?.path)
        let request = try #require(server.requests.first)
        #expect(server.requests.count == 1)
        #expect(request.method == "POST")
        #expect(request.path == path)
        // Clearly a test: the marked sample incident and rule.
        // (Markdown destinations escape the brackets: `\\[TEST\\]`.)
        #expect(request.bodyText.contains("TEST") && request.bodyText.contains("hackwatch notify-test"), "\(request.bodyText)")
        #expect(request.bodyText.contains("notify-test"))
        #expect(result.stdout.hasPrefix("\(sink) (\(NotifyTestHarness.httpSinks.first { $0.name == sink }!.type)): delivered — HTTP 200: "),
                "\(result.stdout)")
        Self.assertNoSecrets(result.stdout + result.stderr)
        #expect(harness.leftNoState)
    }

    @Test(arguments: httpSinkNames)
    func answered404IsPermanentAndExitsOne(sink: String) throws {
        // The answer echoes the path: the token in it must not reach the output.
        let server = try LoopbackHTTPServer { request in .text("no such hook: \(request.path)", status: 404) }
        defer { server.stop() }
        let harness = try NotifyTestHarness(base: server.baseURL)
        defer { harness.clean() }
        let result = try Binary.run(["notify-test", "--config", harness.configURL.path, "--retries", "2", sink])
        #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
        #expect(server.requests.count == 1, "a 404 is not retried")
        #expect(result.stdout.contains(": failed (permanent: the daemon would give up) — HTTP 404: no such hook: "), "\(result.stdout)")
        Self.assertNoSecrets(result.stdout + result.stderr)
    }

    @Test(arguments: httpSinkNames)
    func refusedPortIsTransientAndExitsOne(sink: String) throws {
        let harness = try NotifyTestHarness(base: try NotifyTestHarness.closedBase())
        defer { harness.clean() }
        let result = try Binary.run(["notify-test", "--config", harness.configURL.path, sink])
        #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains(": failed (transient: the daemon would retry) — "), "\(result.stdout)")
        #expect(result.stdout.lowercased().contains("connect"), "\(result.stdout)")
        Self.assertNoSecrets(result.stdout + result.stderr)
    }

    @Test func syslogArrivesOverTCPAndARefusedPortFails() throws {
        let receiver = try TCPSyslogReceiver()
        defer { receiver.stop() }
        let harness = try NotifyTestHarness(base: "http://127.0.0.1:9", syslog: "tcp://127.0.0.1:\(receiver.port)")
        defer { harness.clean() }
        let result = try Binary.run(["notify-test", "--config", harness.configURL.path, "syslog"])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout == "syslog (syslog): delivered\n")
        #expect(waitUntil(timeout: 5) { receiver.text.contains("[TEST] hackwatch notify-test (not a real incident)") }, "\(receiver.text)")
        #expect(receiver.text.contains("rule=\"notify-test\""))

        let closed = try NotifyTestHarness(base: "http://127.0.0.1:9", syslog: "tcp://127.0.0.1:\(SyslogPort.closed())")
        defer { closed.clean() }
        let refused = try Binary.run(["notify-test", "--config", closed.configURL.path, "syslog"])
        #expect(refused.status == 1)
        #expect(refused.stdout.contains("syslog (syslog): failed (transient: the daemon would retry) — syslog tcp://127.0.0.1:"), "\(refused.stdout)")
        #expect(refused.stdout.contains("Connection refused"))
    }

    /// A disabled sink can be tried before it is enabled; stdout's line is the alert.
    @Test func stdoutPrintsTheTestAlert() throws {
        let harness = try NotifyTestHarness(base: "http://127.0.0.1:9")
        defer { harness.clean() }
        let result = try Binary.run(["notify-test", "--config", harness.configURL.path, "stdout"])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines.first?.contains(#""rule":"notify-test""#) == true, "\(result.stdout)")
        #expect(lines.last == "stdout (stdout): delivered")
    }

    /// `--retries N` retries a transient failure as the outbox would, then reports the last answer.
    @Test func retriesRetryATransientFailure() throws {
        let server = try LoopbackHTTPServer { _ in .text("busy", status: 503, headers: [("Retry-After", "0")]) }
        defer { server.stop() }
        let harness = try NotifyTestHarness(base: server.baseURL)
        defer { harness.clean() }
        let result = try Binary.run(["notify-test", "--config", harness.configURL.path, "--retries", "2", "webhook"])
        #expect(result.status == 1)
        #expect(server.requests.count == 3)
        #expect(result.stdout == "webhook (webhook): failed (transient: the daemon would retry) — HTTP 503: busy (after 3 attempts)\n")
    }

    /// A real incident from a file, signed as every webhook alert is; several sinks, one line each.
    @Test func incidentFileGoesThroughSeveralSinks() throws {
        let server = try LoopbackHTTPServer { _ in .text(Self.okBody, headers: [("Content-Type", "application/json")]) }
        defer { server.stop() }
        let harness = try NotifyTestHarness(base: server.baseURL)
        defer { harness.clean() }
        let file = try harness.write("incident.json", #"{"id": "x1", "source": "rekt", "name": "Ronin Bridge", "loss": 624000000, "date": "2022-03-29T00:00:00Z"}"#)
        let result = try Binary.run(["notify-test", "--config", harness.configURL.path, "--incident", file, "--severity", "critical", "webhook", "ntfy"])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.split(separator: "\n").map { $0.split(separator: "—").first.map(String.init) ?? "" }
                == ["webhook (webhook): delivered ", "ntfy (ntfy): delivered "])
        let hook = try #require(server.requests.first { $0.path.hasPrefix("/hook/") })
        #expect(hook.header("webhook-signature")?.hasPrefix("v1,") == true)
        #expect(hook.bodyText.contains(#""name":"[TEST] Ronin Bridge""#), "\(hook.bodyText)")
        #expect(hook.bodyText.contains(#""severity":"critical""#))
        let ntfy = try #require(server.requests.first { $0.path.hasPrefix("/ntfy/") })
        #expect(ntfy.header("Authorization") == "Bearer tk_SECRETNTFYTOKEN")
        #expect(ntfy.header("Priority") == "5")
    }

    @Test(arguments: [
        (["nope"], 64, "no sink 'nope' in the config"),
        (["slak"], 64, "did you mean 'slack'?"),
        (["unset"], 78, "unset (webhook): not sent — sink 'unset': environment variable HACKWATCH_TEST_UNSET_URL is not set"),
        // SINK arguments are optional only with --digest (the digest's own sinks).
        ([String](), 64, "Error: name at least one sink to test (or --digest NAME: its own sinks)"),
    ])
    func badSinksAreRefused(arguments: [String], status: Int32, message: String) throws {
        let harness = try NotifyTestHarness(base: "http://127.0.0.1:9")
        defer { harness.clean() }
        let result = try Binary.run(["notify-test", "--config", harness.configURL.path] + arguments)
        #expect(result.status == status, "\(result.stdout)\(result.stderr)")
        #expect((result.stdout + result.stderr).contains(message), "\(result.stdout)\(result.stderr)")
    }
}

/// A TCP port nothing listens on.
enum SyslogPort {
    static func closed() throws -> UInt16 {
        let receiver = try TCPSyslogReceiver()
        let port = receiver.port
        receiver.stop()
        return port
    }
}
