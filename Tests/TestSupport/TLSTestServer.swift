// A real HTTPS server on 127.0.0.1 for TLS tests: `openssl s_server -www` with a fresh self-signed
// certificate (CN and subjectAltName 127.0.0.1), so verification fails unless the test trusts it.
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// An HTTPS server run by the `openssl` binary; `stop()` (or deinit) terminates it.
public final class TLSTestServer: @unchecked Sendable {
    /// The port it listens on.
    public let port: UInt16
    /// The self-signed certificate (PEM), usable as a CA file.
    public let certificatePath: String
    private let process: Process
    private let directory: URL

    /// Nil when the `openssl` binary is missing (the caller skips with a message).
    public static var opensslPath: String? {
        ["/usr/bin/openssl", "/usr/local/bin/openssl"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Creates the certificate, starts the server and waits until it accepts connections.
    public init() throws {
        guard let openssl = Self.opensslPath else { throw LoopbackServerError.socket(call: "openssl (not installed)", errno: ENOENT) }
        directory = try makeTemporaryDirectory("hackwatch-tls")
        certificatePath = directory.appendingPathComponent("cert.pem").path
        let key = directory.appendingPathComponent("key.pem").path
        try Self.run(openssl, ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                               "-keyout", key, "-out", certificatePath, "-days", "1", "-subj", "/CN=127.0.0.1",
                               "-addext", "subjectAltName=IP:127.0.0.1"])
        // Borrow a free port from the kernel; the tiny race with other listeners is acceptable in tests.
        let (fd, port) = try LoopbackSocket.listen()
        close(fd)
        self.port = port
        process = Process()
        process.executableURL = URL(fileURLWithPath: openssl)
        process.arguments = ["s_server", "-accept", "127.0.0.1:\(port)", "-cert", certificatePath, "-key", key, "-www", "-quiet"]
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try spawn(process)
        guard Self.waitUntilListening(port: port, timeout: 10) else {
            stop()
            throw LoopbackServerError.socket(call: "openssl s_server start", errno: ETIMEDOUT)
        }
    }

    deinit { stop() }

    /// `https://127.0.0.1:PORT` + `path`.
    public func url(_ path: String) -> String { "https://127.0.0.1:\(port)\(path)" }

    /// Terminates the server and removes the certificate; idempotent.
    public func stop() {
        if process.isRunning {
            // SIGKILL: the child may inherit a blocked SIGTERM from the test process's threads.
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: directory)
    }

    private static func run(_ tool: String, _ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try spawn(process)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw LoopbackServerError.socket(call: "openssl \(arguments.first ?? "")", errno: EINVAL)
        }
    }

    private static func waitUntilListening(port: UInt16, timeout: Double) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = port.bigEndian
            address.sin_addr.s_addr = in_addr_t(0x7F00_0001).bigEndian
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            close(fd)
            if connected == 0 { return true }
            usleep(20_000)
        }
        return false
    }
}
