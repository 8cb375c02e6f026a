import Foundation
import Testing
@testable import HackWatchHTTP
@testable import HackWatchModel

/// Connections are reused between requests of one thread when the server keeps them alive
/// (a webhook sink posting alert after alert skips the TCP/TLS handshakes).
@Suite struct HTTPKeepAliveTests {
    /// A real HTTP/1.1 keep-alive server (python3's http.server) that answers each request with
    /// the number of TCP connections it has accepted so far.
    static let server = """
    import http.server, sys
    class H(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        connections = 0
        def setup(self):
            H.connections += 1
            super().setup()
        def do_GET(self): self.reply()
        def do_POST(self):
            self.rfile.read(int(self.headers.get("Content-Length", "0")))
            self.reply()
        def reply(self):
            body = str(H.connections).encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        def log_message(self, *args): pass
    s = http.server.HTTPServer(("127.0.0.1", 0), H)
    print(s.server_address[1], flush=True)
    s.serve_forever()
    """

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/python3"), "needs python3"))
    func oneThreadReusesItsConnection() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = ["-c", Self.server]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        // SIGKILL: the child may inherit a blocked SIGTERM from the test process's threads.
        defer { kill(process.processIdentifier, SIGKILL); process.waitUntilExit() }
        let line = String(decoding: output.fileHandleForReading.availableData, as: UTF8.self)
        let port = try #require(Int(line.trimmingCharacters(in: .whitespacesAndNewlines)))
        let url = "http://127.0.0.1:\(port)/hook"
        let client = HTTPClient()
        // A fresh thread, so no handle left by another test's requests is involved.
        let answers = Answers()
        let thread = Thread {
            for index in 0..<4 {
                let request = index % 2 == 0 ? HTTPRequest(url: url, timeout: TimeSpan(seconds: 10))
                    : HTTPRequest(url: url, method: .post, body: Array("{}".utf8), timeout: TimeSpan(seconds: 10))
                answers.append((try? client.send(request)).map(\.text) ?? "failed")
            }
            answers.done.signal()
        }
        thread.start()
        #expect(answers.done.wait(timeout: .now() + 30) == .success)
        #expect(answers.values == ["1", "1", "1", "1"], "each request opened a new connection")
    }

    final class Answers: @unchecked Sendable {
        let done = DispatchSemaphore(value: 0)
        private let lock = NSLock()
        private var stored: [String] = []
        var values: [String] { lock.withLock { stored } }
        func append(_ value: String) { lock.withLock { stored.append(value) } }
    }
}
