// A real HTTP/1.1 server on 127.0.0.1 for tests: one thread per connection, `Connection: close`.
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A loopback HTTP server that records every request and answers through a handler.
///
/// ```swift
/// let server = try LoopbackHTTPServer { request in
///     request.path == "/feed" ? .text("[]") : .status(404)
/// }
/// // ... send to server.url("/feed") ...
/// #expect(server.requests.first?.header("user-agent") == "hackwatch/0.1.0")
/// ```
/// Each connection carries one exchange and is then closed. `stop()` (or deinit) closes the
/// listener and every open connection, wakes `.hang` and `.delayed` replies, and waits for the
/// connection threads to finish.
public final class LoopbackHTTPServer: Sendable {
    /// The port the kernel chose.
    public let port: UInt16
    private let core: ServerCore

    /// Starts listening at once; `handler` runs on the connection's thread.
    public init(handler: @escaping @Sendable (RecordedRequest) -> ServerReply = { _ in .text("ok") }) throws {
        let (fd, port) = try LoopbackSocket.listen()
        self.port = port
        core = ServerCore(listenFD: fd, handler: handler)
        let core = self.core
        core.threadStarted()
        Thread.detachNewThread { core.acceptLoop() }
    }

    deinit { core.stop() }

    /// `http://127.0.0.1:PORT`.
    public var baseURL: String { "http://127.0.0.1:\(port)" }

    /// `baseURL` + `path` (which should start with `/`).
    public func url(_ path: String) -> String { baseURL + path }

    /// Every request received so far, in arrival order.
    public var requests: [RecordedRequest] { core.recorded }

    /// Replaces the handler for the requests that arrive from now on.
    public func setHandler(_ handler: @escaping @Sendable (RecordedRequest) -> ServerReply) {
        core.setHandler(handler)
    }

    /// Waits until at least `count` requests have arrived or `timeout` seconds passed; returns
    /// whether they arrived (for code under test that sends in the background).
    @discardableResult
    public func waitForRequests(_ count: Int, timeout: Double = 10) -> Bool {
        core.waitForRequests(count, timeout: timeout)
    }

    /// Closes the listener and every connection; idempotent.
    public func stop() { core.stop() }
}

/// The state shared by the listener thread and the connection threads (all under `condition`).
private final class ServerCore: @unchecked Sendable {
    private let listenFD: Int32
    private let condition = NSCondition()
    private var handler: @Sendable (RecordedRequest) -> ServerReply
    private var requests: [RecordedRequest] = []
    private var connections: Set<Int32> = []
    private var stopped = false
    private var liveThreads = 0

    init(listenFD: Int32, handler: @escaping @Sendable (RecordedRequest) -> ServerReply) {
        self.listenFD = listenFD
        self.handler = handler
    }

    var recorded: [RecordedRequest] { locked { requests } }

    func setHandler(_ handler: @escaping @Sendable (RecordedRequest) -> ServerReply) {
        locked { self.handler = handler }
    }

    func threadStarted() { locked { liveThreads += 1 } }

    private func threadFinished() {
        locked {
            liveThreads -= 1
            condition.broadcast()
        }
    }

    func stop() {
        let alreadyStopped: Bool = locked {
            if stopped { return true }
            stopped = true
            // Wakes connection threads blocked in recv/send; each closes its own descriptor.
            for fd in connections { shutdown(fd, Int32(SHUT_RDWR)) }
            condition.broadcast()
            return false
        }
        if alreadyStopped { return }
        shutdown(listenFD, Int32(SHUT_RDWR))  // wakes accept(); the accept thread closes it
        let deadline = Date().addingTimeInterval(10)
        condition.lock()
        while liveThreads > 0 && condition.wait(until: deadline) {}
        condition.unlock()
    }

    func waitForRequests(_ count: Int, timeout: Double) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        condition.lock()
        defer { condition.unlock() }
        while requests.count < count {
            if !condition.wait(until: deadline) { return requests.count >= count }
        }
        return true
    }

    /// Sleeps `seconds` unless the server stops first; returns false when it stopped.
    /// `nil` sleeps until the server stops.
    func pause(_ seconds: Double?) -> Bool {
        // Date arithmetic traps on huge intervals, so "forever" is a plain wait.
        let deadline = seconds.map { Date().addingTimeInterval(min($0, 86_400)) }
        condition.lock()
        defer { condition.unlock() }
        while !stopped {
            if let deadline {
                if !condition.wait(until: deadline) { return !stopped }
            } else {
                condition.wait()
            }
        }
        return false
    }

    func acceptLoop() {
        defer {
            close(listenFD)
            threadFinished()
        }
        while true {
            let fd = accept(listenFD, nil, nil)
            if fd < 0 {
                if errno == EINTR || errno == ECONNABORTED { continue }
                return
            }
            let admitted: Bool = locked {
                guard !stopped else { return false }
                connections.insert(fd)
                liveThreads += 1
                return true
            }
            guard admitted else { close(fd); return }
            Thread.detachNewThread { self.serve(fd) }
        }
    }

    private func serve(_ fd: Int32) {
        var reader = RequestReader(fd: fd)
        var resetAtEnd = false
        if let request = reader.next() {
            let current: @Sendable (RecordedRequest) -> ServerReply = locked {
                requests.append(request)
                condition.broadcast()
                return handler
            }
            let reply = current(request)
            resetAtEnd = perform(reply, on: fd, head: request.method == "HEAD")
        }
        locked { _ = connections.remove(fd) }
        if resetAtEnd { LoopbackSocket.reset(fd) } else { close(fd) }
        threadFinished()
    }

    /// Writes `reply`; returns true when the connection should end with an RST.
    private func perform(_ reply: ServerReply, on fd: Int32, head: Bool) -> Bool {
        switch reply {
        case .response(let status, let headers, let body):
            var all = headers
            if !all.contains(where: { $0.name.caseInsensitiveCompare("Content-Length") == .orderedSame }) {
                all.append(("Content-Length", String(body.count)))
            }
            if LoopbackSocket.writeAll(fd, Self.head(status: status, headers: all)), !head {
                _ = LoopbackSocket.writeAll(fd, body)
            }
        case .delayed(let seconds, let then):
            if pause(seconds) { return perform(then, on: fd, head: head) }
        case .stream(let status, let headers, let bytes, let chunkSize, let pauseSeconds, let framing):
            stream(on: fd, status: status, headers: headers, bytes: bytes, chunkSize: max(1, chunkSize),
                   pause: pauseSeconds, framing: framing)
        case .redirect(let status, let location):
            return perform(.response(status: status, headers: [("Location", location)], body: []), on: fd, head: head)
        case .reset:
            return true
        case .hang:
            _ = pause(nil)
        case .closeWithoutResponse:
            break
        }
        return false
    }

    private func stream(on fd: Int32, status: Int, headers: [(name: String, value: String)], bytes: Int,
                        chunkSize: Int, pause pauseSeconds: Double, framing: BodyFraming) {
        var all = headers
        switch framing {
        case .contentLength: all.append(("Content-Length", String(bytes)))
        case .chunked: all.append(("Transfer-Encoding", "chunked"))
        case .untilClose: break
        }
        guard LoopbackSocket.writeAll(fd, Self.head(status: status, headers: all)) else { return }
        let block = [UInt8](repeating: UInt8(ascii: "x"), count: min(chunkSize, max(bytes, 1)))
        var remaining = bytes
        while remaining > 0 {
            let count = min(block.count, remaining)
            let ok = block.withUnsafeBytes { raw -> Bool in
                let slice = UnsafeRawBufferPointer(rebasing: raw[..<count])
                guard framing == .chunked else { return LoopbackSocket.writeAll(fd, slice) }
                return LoopbackSocket.writeAll(fd, Array("\(String(count, radix: 16))\r\n".utf8))
                    && LoopbackSocket.writeAll(fd, slice) && LoopbackSocket.writeAll(fd, [13, 10])
            }
            // The client hanging up mid-body (e.g. over its size limit) ends the stream quietly.
            guard ok else { return }
            remaining -= count
            if pauseSeconds > 0, remaining > 0, !pause(pauseSeconds) { return }
        }
        if framing == .chunked { _ = LoopbackSocket.writeAll(fd, Array("0\r\n\r\n".utf8)) }
    }

    private static func head(status: Int, headers: [(name: String, value: String)]) -> [UInt8] {
        var text = "HTTP/1.1 \(status) \(reasonPhrase(status))\r\n"
        for header in headers { text += "\(header.name): \(header.value)\r\n" }
        text += "Connection: close\r\n\r\n"
        return Array(text.utf8)
    }

    private func locked<T>(_ body: () -> T) -> T {
        condition.lock()
        defer { condition.unlock() }
        return body()
    }
}
