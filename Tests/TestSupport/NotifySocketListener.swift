// A datagram socket standing in for systemd's NOTIFY_SOCKET (daemon area's test helper).
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Binds an `AF_UNIX` datagram socket — a path in a temp folder, or an abstract name — and
/// collects every datagram sent to it, as systemd's manager would.
public final class NotifySocketListener: @unchecked Sendable {
    /// The value to put in `NOTIFY_SOCKET` (`/path` or `@name`).
    public let socketName: String
    private let fd: Int32
    private let lock = NSLock()
    private var received: [String] = []
    private var closed = false

    /// Binds a path socket inside `directory`, or an abstract one when `abstract` is true.
    public init(directory: URL, abstract: Bool = false) throws {
        let name = abstract ? "@hackwatch-test-\(UUID().uuidString.prefix(12))" : directory.appendingPathComponent("notify.sock").path
        socketName = name
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw LoopbackServerError.socket(call: "socket", errno: errno) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var bytes = Array(name.utf8)
        if abstract { bytes[0] = 0 }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in for (i, b) in bytes.enumerated() { raw[i] = b } }
        let offset = MemoryLayout<sockaddr_un>.offset(of: \.sun_path) ?? 2
        let length = socklen_t(abstract ? offset + bytes.count : offset + bytes.count + 1)
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        guard bound == 0 else { let code = errno; Glibc.close(fd); throw LoopbackServerError.socket(call: "bind", errno: code) }
        var timeout = timeval(tv_sec: 0, tv_usec: 100_000)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let worker = Thread { [weak self] in self?.receiveLoop() }
        worker.start()
    }

    private func receiveLoop() {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !lock.withLock({ closed }) {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count > 0 {
                let text = String(decoding: buffer[0..<count], as: UTF8.self)
                lock.withLock { received.append(text) }
            }
        }
    }

    /// Every datagram so far, in arrival order.
    public var messages: [String] { lock.withLock { received } }

    /// Waits until some datagram satisfies `predicate`; returns it, or nil after `timeout` seconds.
    public func waitFor(timeout: Double = 10, _ predicate: (String) -> Bool) -> String? {
        let deadline = Date().addingTimeInterval(timeout)
        repeat {
            if let hit = messages.first(where: predicate) { return hit }
            usleep(20_000)
        } while Date() < deadline
        return nil
    }

    /// Closes the socket (and removes a path socket's file).
    public func close() {
        let wasClosed = lock.withLock { () -> Bool in defer { closed = true }; return closed }
        guard !wasClosed else { return }
        usleep(150_000)  // let the receive loop see `closed` before the descriptor goes away
        Glibc.close(fd)
        if socketName.hasPrefix("/") { unlink(socketName) }
    }

    deinit { close() }
}
