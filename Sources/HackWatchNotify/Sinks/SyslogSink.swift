import CSupport
import Foundation
import HackWatchModel

/// syslog: local through syslog(3) (`/dev/log`, BSD form, via the CSupport shim since
/// syslog(3) is variadic), or remote RFC 5424 (or 3164) over UDP (one datagram, ≤ 2,048 bytes)
/// or TCP (RFC 6587 octet-counting framing, ≤ 8,192 bytes). Structured data carries the alert
/// id, rule, severity, incident, loss and link, escaped per RFC 5424 §6.3.3.
package struct SyslogSink: Sink {
    /// Where messages go.
    package enum Transport: Sendable, Hashable {
        /// syslog(3) on this machine.
        case local
        case udp(host: String, port: UInt16)
        case tcp(host: String, port: UInt16)
    }

    package let name: String
    let facility: Int
    let transport: Transport
    let format: SyslogFormat
    /// The local syslog socket syslog(3) writes to; checked before each local send.
    let localSocket: String

    /// `localSocket` is glibc's `_PATH_LOG`; tests point it elsewhere.
    package init(name: String, facility: Int = 3, transport: Transport = .local, format: SyslogFormat? = nil,
                 localSocket: String = "/dev/log") {
        self.name = name
        self.facility = facility
        self.transport = transport
        self.format = format ?? (transport == .local ? .rfc3164 : .rfc5424)
        self.localSocket = localSocket
    }

    /// Parses `udp://host:port` / `tcp://host:port` (IPv6 hosts in brackets).
    package static func parseAddress(_ address: String) -> Transport? {
        let lower = address.lowercased()
        let isUDP = lower.hasPrefix("udp://"), isTCP = lower.hasPrefix("tcp://")
        guard isUDP || isTCP else { return nil }
        let rest = address.dropFirst(6)
        guard let colon = rest.lastIndex(of: ":"), let port = UInt16(rest[rest.index(after: colon)...]), port > 0 else { return nil }
        var host = String(rest[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty, !host.contains("/") else { return nil }
        return isUDP ? .udp(host: host, port: port) : .tcp(host: host, port: port)
    }

    package func send(_ alert: Alert) -> SinkResult {
        switch transport {
        case .local:
            // syslog(3) drops messages silently when nothing listens (a container without
            // /dev/log): without a socket that accepts a connection, the delivery is retried.
            if let problem = LocalSyslogSocket.problem(at: localSocket) {
                return .retry(after: nil, reason: "syslog: \(problem); run a syslog daemon (rsyslog, systemd-journald) or set \"address\" to a remote receiver")
            }
            Self.openLocal()
            hw_syslog(Int32(facility * 8 + SyslogFormat.severity(alert.severity)),
                      SafeText.fit(SyslogFormat.localText(alert), limit: 1024, unit: .utf8))
            return .delivered
        case .udp(let host, let port):
            let message = render(alert, maxBytes: 2048)
            return SyslogSocket.send(Array(message.utf8), host: host, port: port, stream: false)
        case .tcp(let host, let port):
            let message = Array(render(alert, maxBytes: 8192).utf8)
            return SyslogSocket.send(Array("\(message.count) ".utf8) + message, host: host, port: port, stream: true)
        }
    }

    func render(_ alert: Alert, maxBytes: Int) -> String {
        let host = ProcessInfo.processInfo.hostName
        switch format {
        case .rfc5424: return SyslogFormat.rfc5424(alert, facility: facility, hostname: host, maxBytes: maxBytes)
        case .rfc3164: return SyslogFormat.rfc3164(alert, facility: facility, hostname: host, maxBytes: maxBytes)
        }
    }

    private static let openOnce: Void = {
        // LOG_PID: the BSD form carries hackwatch[pid]; LOG_NDELAY: connect now, before a sandbox could stop it.
        hw_openlog("hackwatch", LOG_PID | LOG_NDELAY, LOG_DAEMON)
    }()

    static func openLocal() { _ = openOnce }
}

/// Blocking one-message UDP/TCP sends with a 5 s timeout.
enum SyslogSocket {
    static func send(_ bytes: [UInt8], host: String, port: UInt16, stream: Bool) -> SinkResult {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = stream ? Int32(SOCK_STREAM.rawValue) : Int32(SOCK_DGRAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let first = list else {
            return .retry(after: nil, reason: "syslog: cannot resolve \(host): \(String(cString: gai_strerror(status)))")
        }
        defer { freeaddrinfo(list) }
        var lastError = "no address"
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let info = entry {
            entry = info.pointee.ai_next
            let fd = socket(info.pointee.ai_family, info.pointee.ai_socktype | Int32(SOCK_CLOEXEC.rawValue), info.pointee.ai_protocol)
            guard fd >= 0 else { lastError = String(cString: strerror(errno)); continue }
            defer { close(fd) }
            var timeout = timeval(tv_sec: 5, tv_usec: 0)
            setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            guard connect(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 else {
                lastError = String(cString: strerror(errno))
                continue
            }
            var offset = 0
            while offset < bytes.count {
                let sent = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                if sent < 0 {
                    if errno == EINTR { continue }
                    lastError = String(cString: strerror(errno))
                    break
                }
                offset += sent
            }
            if offset == bytes.count { return .delivered }
        }
        return .retry(after: nil, reason: "syslog \(stream ? "tcp" : "udp")://\(host):\(port): \(lastError)")
    }
}
