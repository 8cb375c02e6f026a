// A loopback port where TCP connects never complete: for connect-timeout tests.
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Listens with a backlog of 0, never accepts, and fills its accept queue with its own
/// connections, so the kernel drops further SYNs and a client's connect hangs until its timeout.
public final class LoopbackBlackhole: @unchecked Sendable {
    /// The port whose connects hang.
    public let port: UInt16
    private let listenFD: Int32
    private var fillers: [Int32] = []

    public init() throws {
        (listenFD, port) = try LoopbackSocket.listen(backlog: 0)
        // Non-blocking connects until one stays in progress: the queue is full from then on.
        for _ in 0..<8 {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
            guard fd >= 0 else { break }
            fillers.append(fd)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = port.bigEndian
            address.sin_addr.s_addr = in_addr_t(0x7F00_0001).bigEndian
            _ = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
        }
        usleep(50_000)  // let the handshakes that can complete do so
    }

    /// `http://127.0.0.1:PORT` + `path`.
    public func url(_ path: String) -> String { "http://127.0.0.1:\(port)\(path)" }

    deinit {
        for fd in fillers { close(fd) }
        close(listenFD)
    }
}
