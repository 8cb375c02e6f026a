// Process plumbing for benchDaemon: a child with captured stderr, /proc readings, a python3
// loopback feed server + webhook receiver, a NOTIFY_SOCKET listener.
import Foundation
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// A child process whose stderr lines are collected (to wait for log events).
final class BenchChild: @unchecked Sendable {
    let process = Process()
    private let lock = NSLock()
    private var lines: [String] = []

    init(_ executable: String, _ arguments: [String], environment: [String: String]) throws {
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = environment
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        err.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            guard !data.isEmpty, let self else { return }
            let text = String(decoding: data, as: UTF8.self)
            self.lock.withLock { self.lines += text.split(separator: "\n").map(String.init) }
        }
        try process.run()
    }

    var pid: Int32 { process.processIdentifier }

    /// The last stderr lines (for a failure's message).
    func tail(_ count: Int = 5) -> String { lock.withLock { lines.suffix(count).joined(separator: "\n") } }

    /// Waits until a stderr line contains `text`.
    func waitForLine(containing text: String, timeout: Double) -> Bool {
        waitUntil(timeout: timeout) { self.lock.withLock { self.lines.contains { $0.contains(text) } } }
    }

    /// How many stderr lines so far contain `text`.
    func count(containing text: String) -> Int { lock.withLock { lines.filter { $0.contains(text) }.count } }

    func terminate() {
        if process.isRunning { kill(pid, SIGTERM) }
        process.waitUntilExit()
    }
}

/// User + system CPU seconds used by `pid` so far.
func cpuSeconds(pid: Int32) -> Double {
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
          let close = stat.lastIndex(of: ")") else { return 0 }
    // Fields after "comm)": state is field 3; utime and stime are fields 14 and 15.
    let fields = stat[stat.index(after: close)...].split(separator: " ")
    guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
    return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
}

/// python3 serving `GET /feed` from a file and counting alerts POSTed to any path
/// (Alertmanager's grouped `alerts` arrays count each alert; other bodies count 1).
final class BenchReceiver: @unchecked Sendable {
    static let script = """
    import sys, json, http.server
    feed = sys.argv[1]
    class H(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        def do_GET(self):
            sys.stdout.write("get\\n"); sys.stdout.flush()
            body = open(feed, "rb").read()
            self.send_response(200); self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body))); self.end_headers(); self.wfile.write(body)
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            try:
                doc = json.loads(body); count = len(doc["alerts"]) if isinstance(doc, dict) and "alerts" in doc else 1
            except Exception:
                count = 1
            sys.stdout.write("%d\\n" % count); sys.stdout.flush()
            self.send_response(200); self.send_header("Content-Length", "0"); self.end_headers()
        def log_message(self, *args): pass
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
    sys.stdout.write("port %d\\n" % server.server_address[1]); sys.stdout.flush()
    server.serve_forever()
    """
    private let process = Process()
    private let lock = NSLock()
    private var total = 0
    private var portValue: Int?
    private var gets: [DispatchTime] = []
    private var pending = ""  // only touched by the pipe's handler

    init(feedFile: String) throws {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", Self.script, feedFile]
        let out = Pipe()
        process.standardOutput = out
        out.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            guard !data.isEmpty, let self else { return }
            self.pending += String(decoding: data, as: UTF8.self)
            while let newline = self.pending.firstIndex(of: "\n") {
                let line = String(self.pending[..<newline])
                self.pending.removeSubrange(...newline)
                self.lock.withLock {
                    if line.hasPrefix("port ") {
                        self.portValue = Int(line.dropFirst(5))
                    } else if line == "get" {
                        self.gets.append(DispatchTime.now())
                    } else {
                        self.total += Int(line) ?? 0
                    }
                }
            }
        }
        try process.run()
        guard waitUntil(timeout: 10, { lock.withLock { portValue != nil } }) else { throw BenchError("receiver did not start") }
    }

    var port: Int { lock.withLock { portValue ?? 0 } }
    /// When the feed was fetched, each time.
    var feedFetches: [DispatchTime] { lock.withLock { gets } }
    /// Alerts received so far.
    var received: Int { lock.withLock { total } }
    func stop() { process.terminate(); process.waitUntilExit() }
}

/// An abstract AF_UNIX datagram socket standing in for systemd's NOTIFY_SOCKET.
final class BenchNotifySocket: @unchecked Sendable {
    let name = "@hackwatch-bench-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    private let fd: Int32
    private let lock = NSLock()
    private var messages: [(String, DispatchTime)] = []

    init() throws {
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var bytes = Array(name.utf8)
        bytes[0] = 0
        withUnsafeMutableBytes(of: &address.sun_path) { raw in for (i, b) in bytes.enumerated() { raw[i] = b } }
        let length = socklen_t((MemoryLayout<sockaddr_un>.offset(of: \.sun_path) ?? 2) + bytes.count)
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        guard fd >= 0, bound == 0 else { throw BenchError("cannot bind notify socket") }
        let descriptor = fd
        Thread.detachNewThread { [weak self] in
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
                guard count > 0, let self else { return }
                let text = String(decoding: buffer[0..<count], as: UTF8.self)
                self.lock.withLock { self.messages.append((text, DispatchTime.now())) }
            }
        }
    }

    /// When the first datagram starting with `prefix` arrived.
    func arrival(of prefix: String) -> DispatchTime? {
        lock.withLock { messages.first { $0.0.hasPrefix(prefix) }?.1 }
    }
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A free loopback TCP port (bound, read, released).
func freeLoopbackPort() -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { Glibc.close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
    _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
    return Int(UInt16(bigEndian: address.sin_port))
}
