import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The systemd notify protocol (`sd_notify(3)`) without libsystemd: one datagram per message
/// to the `AF_UNIX` socket named by `NOTIFY_SOCKET` — a path, or an abstract name written `@name`.
///
/// Without `NOTIFY_SOCKET` every call is a no-op, so the daemon runs the same outside systemd.
/// Sending never throws: a lost notification must not stop the daemon (systemd's own client
/// behaves the same way); `send` reports success for tests and logs. Every stored property is
/// immutable and each message is one `sendto(2)` datagram, so calls from any thread need no lock.
package final class SystemdNotifier: @unchecked Sendable {
    private let address: sockaddr_un?
    private let addressLength: socklen_t
    private let fd: Int32

    /// The `NOTIFY_SOCKET` value, if any.
    package let socketName: String?

    /// Reads `NOTIFY_SOCKET` from `environment`.
    package init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        socketName = environment["NOTIFY_SOCKET"].flatMap { $0.isEmpty ? nil : $0 }
        guard let name = socketName, let (address, length) = Self.makeAddress(name) else {
            self.address = nil
            self.addressLength = 0
            self.fd = -1
            return
        }
        self.address = address
        self.addressLength = length
        self.fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
    }

    deinit { if fd >= 0 { close(fd) } }

    /// True when a notify socket is configured and usable.
    package var isEnabled: Bool { address != nil && fd >= 0 }

    /// Builds the socket address: `@x` is the abstract name `\0x`; anything else a path.
    static func makeAddress(_ name: String) -> (sockaddr_un, socklen_t)? {
        var bytes = Array(name.utf8)
        guard bytes.first == UInt8(ascii: "/") || bytes.first == UInt8(ascii: "@") else { return nil }
        if bytes.first == UInt8(ascii: "@") { bytes[0] = 0 }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        // Path names need a terminating NUL; abstract names use exactly their length.
        guard bytes.count < capacity else { return nil }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in bytes.enumerated() { raw[index] = byte }
        }
        let pathOffset = MemoryLayout<sockaddr_un>.offset(of: \.sun_path) ?? 2
        let length = bytes[0] == 0 ? pathOffset + bytes.count : pathOffset + bytes.count + 1
        return (address, socklen_t(length))
    }

    /// Sends `state` (newline-separated `KEY=value` assignments) as one datagram.
    @discardableResult
    package func send(_ state: String) -> Bool {
        guard var address, fd >= 0 else { return false }
        let bytes = Array(state.utf8)
        let sent = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                bytes.withUnsafeBytes { buffer in
                    sendto(fd, buffer.baseAddress, buffer.count, Int32(MSG_NOSIGNAL), socketAddress, addressLength)
                }
            }
        }
        return sent == bytes.count
    }

    /// `READY=1` (with an optional status line).
    @discardableResult
    package func ready(status: String? = nil) -> Bool {
        send(["READY=1", status.map { "STATUS=\(Self.oneLine($0))" }].compactMap { $0 }.joined(separator: "\n"))
    }

    /// `RELOADING=1` with `MONOTONIC_USEC` (required by `Type=notify-reload`, harmless otherwise).
    @discardableResult
    package func reloading() -> Bool {
        send("RELOADING=1\nMONOTONIC_USEC=\(Self.monotonicMicroseconds())")
    }

    /// `STOPPING=1`.
    @discardableResult
    package func stopping(status: String? = nil) -> Bool {
        send(["STOPPING=1", status.map { "STATUS=\(Self.oneLine($0))" }].compactMap { $0 }.joined(separator: "\n"))
    }

    /// `STATUS=` one line shown by `systemctl status`.
    @discardableResult
    package func status(_ text: String) -> Bool { send("STATUS=\(Self.oneLine(text))") }

    /// `WATCHDOG=1`.
    @discardableResult
    package func watchdog() -> Bool { send("WATCHDOG=1") }

    /// Newlines would start a new assignment; fold them.
    static func oneLine(_ text: String) -> String {
        String(text.map { $0.isNewline ? " " : $0 })
    }

    /// CLOCK_MONOTONIC in microseconds, the clock systemd compares MONOTONIC_USEC against.
    package static func monotonicMicroseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) * 1_000_000 + UInt64(now.tv_nsec) / 1000
    }

    /// How often to send `WATCHDOG=1`: half of `WATCHDOG_USEC`, when set for this process
    /// (`WATCHDOG_PID` absent or ours). Nil when the watchdog is off.
    package static func watchdogInterval(environment: [String: String] = ProcessInfo.processInfo.environment,
                                        pid: Int32 = getpid()) -> TimeInterval? {
        guard let text = environment["WATCHDOG_USEC"], let usec = UInt64(text), usec > 0 else { return nil }
        if let owner = environment["WATCHDOG_PID"], let ownerPID = Int32(owner), ownerPID != pid { return nil }
        return Double(usec) / 2_000_000
    }
}
