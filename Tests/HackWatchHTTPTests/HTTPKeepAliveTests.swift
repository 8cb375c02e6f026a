import Foundation
import Testing
@testable import HackWatchHTTP
@testable import HackWatchModel
import TestSupport

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

    /// Starts python3 on `script` (which prints its port); returns the process and the hook URL.
    static func startPython(_ script: String) throws -> (process: Process, url: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = ["-c", script]
        let output = Pipe()
        process.standardOutput = output
        try spawn(process)
        let line = String(decoding: output.fileHandleForReading.availableData, as: UTF8.self)
        guard let port = Int(line.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            throw CocoaError(.fileReadCorruptFile)
        }
        return (process, "http://127.0.0.1:\(port)/hook")
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/python3"), "needs python3"))
    func oneThreadReusesItsConnection() throws {
        let (process, url) = try Self.startPython(Self.server)
        // SIGKILL: the child may inherit a blocked SIGTERM from the test process's threads.
        defer { kill(process.processIdentifier, SIGKILL); process.waitUntilExit() }
        let client = HTTPClient()
        let values = Self.onFreshThread { answers in
            for index in 0..<4 {
                let request = index % 2 == 0 ? HTTPRequest(url: url, timeout: TimeSpan(seconds: 10))
                    : HTTPRequest(url: url, method: .post, body: Array("{}".utf8), timeout: TimeSpan(seconds: 10))
                answers.append((try? client.send(request)).map(\.text) ?? "failed")
            }
        }
        #expect(values == ["1", "1", "1", "1"], "each request opened a new connection")
    }

    /// Keep-alive, but the second POST is read and its connection closed without an answer (a
    /// proxy's idle timeout, a reset): the server counts the POSTs it received.
    static let dyingServer = """
    import http.server
    class H(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        posts = 0
        def do_POST(self):
            self.rfile.read(int(self.headers.get("Content-Length", "0")))
            H.posts += 1
            if H.posts == 2:
                self.close_connection = True
                return
            body = str(H.posts).encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        def do_GET(self):
            body = str(H.posts).encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(body)
        def log_message(self, *args): pass
    s = http.server.HTTPServer(("127.0.0.1", 0), H)
    print(s.server_address[1], flush=True)
    s.serve_forever()
    """

    /// libcurl would send that POST again on a new connection by itself (received twice, no
    /// backoff, not an attempt); it must fail instead so the outbox's retry policy decides.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/python3"), "needs python3"))
    func aPostOnADyingKeptAliveConnectionIsNotSilentlyResent() throws {
        let (process, url) = try Self.startPython(Self.dyingServer)
        defer { kill(process.processIdentifier, SIGKILL); process.waitUntilExit() }
        let client = HTTPClient()
        let values = Self.onFreshThread { answers in
            for _ in 0..<2 {
                let post = HTTPRequest(url: url, method: .post, body: Array("{}".utf8), timeout: TimeSpan(seconds: 10), maxRedirects: 0)
                do { answers.append(try client.send(post).text) } catch { answers.append("error: \(error)") }
            }
            // How many POSTs the server saw.
            answers.append((try? client.send(HTTPRequest(url: url, timeout: TimeSpan(seconds: 10)))).map(\.text) ?? "failed")
        }
        #expect(values.count == 3)
        #expect(values.first == "1")
        #expect(values.dropFirst().first?.contains("not sent again on a new one") == true, "\(values)")
        #expect(values.last == "2", "the server received the second POST more than once: \(values)")
    }

    /// Runs `body` on a fresh thread (so no handle left by another test's requests is involved)
    /// and returns what it appended; empty after 30 s without an end.
    static func onFreshThread(_ body: @escaping @Sendable (Answers) -> Void) -> [String] {
        let answers = Answers()
        let thread = Thread {
            body(answers)
            answers.done.signal()
        }
        thread.start()
        guard answers.done.wait(timeout: .now() + 30) == .success else { return [] }
        return answers.values
    }

    final class Answers: @unchecked Sendable {
        let done = DispatchSemaphore(value: 0)
        private let lock = NSLock()
        private var stored: [String] = []
        var values: [String] { lock.withLock { stored } }
        func append(_ value: String) { lock.withLock { stored.append(value) } }
    }
}
