import Foundation
import TestSupport

/// A temp folder with a config holding one sink of every type, each pointed at `base` (a
/// loopback server, or a closed port), and a rules file; for `notify-test` and `preview`.
struct NotifyTestHarness {
    let dir: URL
    let configURL: URL

    /// Secrets the config holds: none may appear in any output.
    static let secrets = ["123456:SECRET-TG-TOKEN", "SECRET-ROUTING-KEY", "tk_SECRETNTFYTOKEN", "xoxb-SECRET-BOT",
                          "SECRET-HOOK-PATH", "whsec_c2VjcmV0LXNpZ25pbmcta2V5"]

    /// Every HTTP sink: config name → (type, the path its request arrives at).
    static let httpSinks: [(name: String, type: String, path: String)] = [
        ("slack", "slack", "/slack/SECRET-HOOK-PATH"),
        ("slackbot", "slack", "/slackapi/chat.postMessage"),
        ("discord", "discord", "/discord/SECRET-HOOK-PATH"),
        ("teams", "teams", "/teams/SECRET-HOOK-PATH"),
        ("mattermost", "mattermost", "/mattermost/SECRET-HOOK-PATH"),
        ("telegram", "telegram", "/tg/bot123456:SECRET-TG-TOKEN/sendMessage"),
        ("ntfy", "ntfy", "/ntfy/SECRET-HOOK-PATH"),
        ("pagerduty", "pagerduty", "/pd/enqueue"),
        ("webhook", "webhook", "/hook/SECRET-HOOK-PATH"),
    ]

    /// `base`: `http://127.0.0.1:PORT` of the HTTP sinks; `syslog`: `tcp://127.0.0.1:PORT`.
    init(base: String, syslog: String = "tcp://127.0.0.1:9", rules: String = "rule big {\n    when loss >= $100M\n    severity critical\n}\n") throws {
        dir = try makeTemporaryDirectory("hackwatch-notify-test")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("rules"), withIntermediateDirectories: true)
        try rules.write(to: dir.appendingPathComponent("rules/main.rules"), atomically: true, encoding: .utf8)
        try "xoxb-SECRET-BOT\n".write(to: dir.appendingPathComponent("slack-token"), atomically: true, encoding: .utf8)
        configURL = dir.appendingPathComponent("config.json")
        let config = """
            {"state_dir": "state", "feeds": [],
             "sinks": [
              {"name": "slack", "type": "slack", "url": "\(base)/slack/SECRET-HOOK-PATH", "default": true},
              {"name": "slackbot", "type": "slack", "url": "\(base)/slackapi", "token_file": "slack-token", "channel": "C0123"},
              {"name": "discord", "type": "discord", "url": "\(base)/discord/SECRET-HOOK-PATH"},
              {"name": "teams", "type": "teams", "url": "\(base)/teams/SECRET-HOOK-PATH"},
              {"name": "mattermost", "type": "mattermost", "url": "\(base)/mattermost/SECRET-HOOK-PATH"},
              {"name": "telegram", "type": "telegram", "url": "\(base)/tg", "secret": "123456:SECRET-TG-TOKEN", "chat_id": 42},
              {"name": "ntfy", "type": "ntfy", "url": "\(base)/ntfy/SECRET-HOOK-PATH", "secret": "tk_SECRETNTFYTOKEN"},
              {"name": "pagerduty", "type": "pagerduty", "url": "\(base)/pd/enqueue", "routing_key": "SECRET-ROUTING-KEY"},
              {"name": "webhook", "type": "webhook", "url": "\(base)/hook/SECRET-HOOK-PATH", "secret": "whsec_c2VjcmV0LXNpZ25pbmcta2V5"},
              {"name": "syslog", "type": "syslog", "address": "\(syslog)"},
              {"name": "stdout", "type": "stdout", "enabled": false},
              {"name": "unset", "type": "webhook", "url_env": "HACKWATCH_TEST_UNSET_URL"}
             ]}
            """
        try config.write(to: configURL, atomically: true, encoding: .utf8)
    }

    /// Writes `text` to a file in the folder and returns its path.
    func write(_ name: String, _ text: String) throws -> String {
        let url = dir.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    /// No state database (or state folder) was created.
    var leftNoState: Bool { !FileManager.default.fileExists(atPath: dir.appendingPathComponent("state").path) }

    func clean() { try? FileManager.default.removeItem(at: dir) }

    /// `http://127.0.0.1:PORT` of a port nothing listens on (a server started and stopped).
    static func closedBase() throws -> String {
        let server = try LoopbackHTTPServer()
        let base = server.baseURL
        server.stop()
        return base
    }
}

/// A TCP syslog receiver on loopback: accepts connections and keeps what they send.
final class TCPSyslogReceiver: @unchecked Sendable {
    let port: UInt16
    private let fd: Int32
    private let received = Received()

    /// What connections sent, under a lock (the accept thread writes it).
    private final class Received: @unchecked Sendable {
        let lock = NSLock()
        var bytes: [UInt8] = []
    }

    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 8) == 0 else { throw POSIXError(.EADDRINUSE) }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        port = UInt16(bigEndian: address.sin_port)
        self.fd = fd
        let listener = fd, received = self.received
        Thread.detachNewThread {
            while true {
                let client = accept(listener, nil, nil)
                guard client >= 0 else { return }
                var buffer = [UInt8](repeating: 0, count: 65536)
                while true {
                    let count = read(client, &buffer, buffer.count)
                    guard count > 0 else { break }
                    received.lock.withLock { received.bytes += buffer[0..<count] }
                }
                close(client)
            }
        }
    }

    /// Everything received so far, as text.
    var text: String { received.lock.withLock { String(decoding: received.bytes, as: UTF8.self) } }

    func stop() {
        shutdown(fd, Int32(SHUT_RDWR))
        close(fd)
    }
}
