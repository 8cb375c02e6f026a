import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A minimal HTTP/1.1 client over a raw socket, for the listener tests: it can also misbehave
/// (trickle a header, announce a huge body, hold connections open), which no library client does.
enum HTTPProbe {
    struct Response {
        var status: Int
        /// Header names lowercased.
        var headers: [String: String]
        var body: String
    }

    enum ProbeError: Error, CustomStringConvertible {
        case connect(String)
        case malformed(String)
        var description: String {
            switch self {
            case .connect(let why): "connect: \(why)"
            case .malformed(let text): "malformed response: \(text.prefix(200))"
            }
        }
    }

    /// A TCP port free on 127.0.0.1 right now (bound to 0, read back, closed).
    static func freePort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = in_addr_t(0x7F00_0001).bigEndian
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, length) == 0 ? getsockname(fd, pointer, &length) : -1
            }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// A connected socket to `host` (IPv4 or IPv6 literal) and `port`, or to a unix socket path
    /// when `port` is nil. Receive timeout 10 s.
    static func connect(host: String = "127.0.0.1", port: Int?) throws -> Int32 {
        let fd: Int32
        if let port {
            var hints = addrinfo()
            hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
            hints.ai_flags = AI_NUMERICHOST
            var info: UnsafeMutablePointer<addrinfo>?
            guard getaddrinfo(host, String(port), &hints, &info) == 0, let first = info else { throw ProbeError.connect("bad host \(host)") }
            defer { freeaddrinfo(info) }
            fd = socket(first.pointee.ai_family, Int32(SOCK_STREAM.rawValue), 0)
            guard Glibc.connect(fd, first.pointee.ai_addr, first.pointee.ai_addrlen) == 0 else {
                let why = String(cString: strerror(errno)); close(fd); throw ProbeError.connect(why)
            }
        } else {
            fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_un()
            address.sun_family = sa_family_t(AF_UNIX)
            let path = Array(host.utf8)
            withUnsafeMutableBytes(of: &address.sun_path) { raw in
                for (index, byte) in path.prefix(raw.count - 1).enumerated() { raw[index] = byte }
            }
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
            }
            guard connected == 0 else { let why = String(cString: strerror(errno)); close(fd); throw ProbeError.connect(why) }
        }
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        return fd
    }

    static func send(_ fd: Int32, _ text: String) -> Bool {
        send(fd, Array(text.utf8))
    }

    static func send(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard sent > 0 else { return false }
            offset += sent
        }
        return true
    }

    /// Sends `chunk` again and again, as curl does with a large upload, until `total` bytes went,
    /// a send fails, or the server answers (then stops, to read the answer). Returns bytes sent.
    static func upload(_ fd: Int32, _ chunk: [UInt8], total: Int) -> Int {
        var sent = 0
        while sent < total {
            var poller = pollfd(fd: fd, events: Int16(POLLIN | POLLOUT), revents: 0)
            guard poll(&poller, 1, 5000) > 0, poller.revents & Int16(POLLIN | POLLHUP | POLLERR) == 0 else { break }
            guard send(fd, chunk) else { break }
            sent += chunk.count
        }
        return sent
    }

    /// Everything until the peer closes (or the receive timeout).
    static func readAll(_ fd: Int32) -> [UInt8] {
        var result: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { break }
            result += buffer[..<count]
        }
        return result
    }

    /// Whether the peer closed the connection within `timeout` seconds (reads and drops data).
    static func closedByPeer(_ fd: Int32, within timeout: Double) -> Bool {
        let end = Date().addingTimeInterval(timeout)
        var buffer = [UInt8](repeating: 0, count: 4096)
        while Date() < end {
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, 100) >= 0 else { return true }
            if poller.revents != 0 {
                let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
                if count == 0 || (count < 0 && errno != EAGAIN) { return true }
            }
        }
        return false
    }

    static func parse(_ bytes: [UInt8]) throws -> Response {
        let text = String(decoding: bytes, as: UTF8.self)
        guard let split = text.range(of: "\r\n\r\n") else { throw ProbeError.malformed(text) }
        let lines = text[..<split.lowerBound].components(separatedBy: "\r\n")
        let statusParts = lines.first?.split(separator: " ") ?? []
        guard statusParts.count >= 2, let status = Int(statusParts[1]) else { throw ProbeError.malformed(text) }
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        var body = String(text[split.upperBound...])
        if headers["transfer-encoding"] == "chunked" { body = dechunk(body) }
        return Response(status: status, headers: headers, body: body)
    }

    private static func dechunk(_ text: String) -> String {
        var rest = Substring(text), out = ""
        while let lineEnd = rest.range(of: "\r\n"), let size = Int(rest[..<lineEnd.lowerBound], radix: 16), size > 0 {
            let start = lineEnd.upperBound
            let bytes = Array(rest[start...].utf8)
            out += String(decoding: bytes.prefix(size), as: UTF8.self)
            rest = Substring(String(decoding: bytes.dropFirst(size + 2), as: UTF8.self))
        }
        return out
    }

    /// One request with `Connection: close`.
    static func request(_ path: String, method: String = "GET", host: String = "127.0.0.1", port: Int?,
                        headers: [String: String] = [:], body: String = "") throws -> Response {
        let fd = try connect(host: host, port: port)
        defer { close(fd) }
        var head = "\(method) \(path) HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        if !body.isEmpty || method == "POST" { head += "Content-Length: \(body.utf8.count)\r\n" }
        guard send(fd, head + "\r\n" + body) else { throw ProbeError.connect("send failed") }
        return try parse(readAll(fd))
    }

    /// The body as a JSON object.
    static func json(_ response: Response) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(response.body.utf8))) as? [String: Any] ?? [:]
    }
}
