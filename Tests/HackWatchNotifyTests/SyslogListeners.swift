import Foundation
import TestSupport

/// Loopback UDP and TCP syslog listeners for the syslog tests (real sockets, no mocks).
final class SyslogListener: @unchecked Sendable {
    let port: UInt16
    private let fd: Int32
    private let stream: Bool
    private let lock = NSLock()
    private var received: [[UInt8]] = []
    private var thread: Thread?

    init(stream: Bool) throws {
        self.stream = stream
        let fd = socket(AF_INET, stream ? Int32(SOCK_STREAM.rawValue) : Int32(SOCK_DGRAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else { throw POSIXError(.EADDRINUSE) }
        if stream { listen(fd, 8) }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        port = UInt16(bigEndian: address.sin_port)
        self.fd = fd
        let thread = Thread { [self] in self.run() }
        self.thread = thread
        thread.start()
    }

    private var stopped = false

    /// Closes the socket; the receiving thread ends. Idempotent.
    func stop() {
        lock.withLock {
            guard !stopped else { return }
            stopped = true
            shutdown(fd, Int32(SHUT_RDWR))
            close(fd)
        }
    }

    /// A port that was free a moment ago (bound, read, closed).
    static func freePort(stream: Bool) -> UInt16 {
        let fd = socket(AF_INET, stream ? Int32(SOCK_STREAM.rawValue) : Int32(SOCK_DGRAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, length) == 0 ? getsockname(fd, pointer, &length) : -1
            }
        }
        return UInt16(bigEndian: address.sin_port)
    }

    private func run() {
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            if stream {
                let client = accept(fd, nil, nil)
                guard client >= 0 else { return }
                var data: [UInt8] = []
                while true {
                    let n = buffer.withUnsafeMutableBytes { recv(client, $0.baseAddress, $0.count, 0) }
                    if n <= 0 { break }
                    data += buffer[0..<n]
                }
                close(client)
                lock.withLock { received.append(contentsOf: Self.octetFrames(data)) }
            } else {
                let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                guard n > 0 else { return }
                lock.withLock { received.append(Array(buffer[0..<n])) }
            }
        }
    }

    /// Splits RFC 6587 octet-counted frames (`LEN SP MSG`); a malformed frame ends the split.
    static func octetFrames(_ data: [UInt8]) -> [[UInt8]] {
        var frames: [[UInt8]] = []
        var i = 0
        while i < data.count {
            guard let space = data[i...].firstIndex(of: 32), let length = Int(String(decoding: data[i..<space], as: UTF8.self)),
                  space + 1 + length <= data.count else { frames.append(Array(data[i...])); break }
            frames.append(Array(data[(space + 1)..<(space + 1 + length)]))
            i = space + 1 + length
        }
        return frames
    }

    func messages(count: Int, timeout: Double = 5) -> [[UInt8]] {
        _ = waitUntil(timeout: timeout, every: 0.01) { lock.withLock { received.count >= count } }
        return lock.withLock { received }
    }
}

/// A strict RFC 5424 parser for what the tests receive.
struct RFC5424Message: Equatable {
    var priority: Int
    var timestamp: String
    var hostname: String
    var appName: String
    var procID: String
    var msgID: String
    var sdID: String
    var params: [String: String]
    var message: String

    enum ParseError: Error { case malformed(String) }

    init(_ bytes: [UInt8]) throws {
        var i = 0
        func fail(_ why: String) -> ParseError { .malformed("\(why) at byte \(i)") }
        guard bytes.first == UInt8(ascii: "<"), let close = bytes.firstIndex(of: UInt8(ascii: ">")),
              let pri = Int(String(decoding: bytes[1..<close], as: UTF8.self)), (0...191).contains(pri) else { throw fail("PRI") }
        priority = pri
        i = close + 1
        func token() throws -> String {
            guard let space = bytes[i...].firstIndex(of: 32) else { throw fail("header field") }
            let field = bytes[i..<space]
            guard !field.isEmpty, field.allSatisfy({ (33...126).contains($0) }) else { throw fail("header field") }
            i = space + 1
            return String(decoding: field, as: UTF8.self)
        }
        guard try token() == "1" else { throw fail("VERSION") }
        timestamp = try token()
        let stampPattern = #"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})$"#
        guard timestamp.range(of: stampPattern, options: .regularExpression) != nil else { throw fail("TIMESTAMP") }
        hostname = try token()
        appName = try token()
        procID = try token()
        msgID = try token()
        guard bytes[i] == UInt8(ascii: "[") else { throw fail("SD") }
        i += 1
        guard let idEnd = bytes[i...].firstIndex(where: { $0 == 32 || $0 == UInt8(ascii: "]") }) else { throw fail("SD-ID") }
        sdID = String(decoding: bytes[i..<idEnd], as: UTF8.self)
        i = idEnd
        params = [:]
        while bytes[i] == 32 {
            i += 1
            guard let eq = bytes[i...].firstIndex(of: UInt8(ascii: "=")), bytes[eq + 1] == UInt8(ascii: "\"") else { throw fail("PARAM") }
            let name = String(decoding: bytes[i..<eq], as: UTF8.self)
            guard !name.isEmpty, name.utf8.count <= 32, !name.contains(" ") else { throw fail("PARAM-NAME") }
            i = eq + 2
            var value: [UInt8] = []
            while true {
                guard i < bytes.count else { throw fail("unterminated PARAM-VALUE") }
                let byte = bytes[i]
                if byte == UInt8(ascii: "\\"), i + 1 < bytes.count, [UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "]")].contains(bytes[i + 1]) {
                    value.append(bytes[i + 1]); i += 2; continue
                }
                if byte == UInt8(ascii: "\"") { i += 1; break }
                guard byte != UInt8(ascii: "]") else { throw fail("unescaped ] in PARAM-VALUE") }
                value.append(byte); i += 1
            }
            guard String(validating: value, as: UTF8.self) != nil else { throw fail("PARAM-VALUE not UTF-8") }
            params[name] = String(decoding: value, as: UTF8.self)
        }
        guard bytes[i] == UInt8(ascii: "]") else { throw fail("SD end") }
        i += 1
        guard i == bytes.count || bytes[i] == 32 else { throw fail("MSG separator") }
        let msg = i < bytes.count ? Array(bytes[(i + 1)...]) : []
        guard msg.starts(with: [0xEF, 0xBB, 0xBF]) else { throw fail("MSG without BOM") }
        guard let text = String(validating: msg.dropFirst(3), as: UTF8.self) else { throw fail("MSG not UTF-8") }
        message = text
    }
}
