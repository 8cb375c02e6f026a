import Foundation

/// Whether a local syslog socket (`/dev/log`) is there and listening, as syslog(3) would
/// connect to it: datagram first, then stream.
enum LocalSyslogSocket {
    /// nil when `path` accepts a connection; else why not (for the delivery's reason).
    static func problem(at path: String) -> String? {
        var info = stat()
        guard stat(path, &info) == 0 else { return "no local syslog socket at \(path) (\(String(cString: strerror(errno))))" }
        guard (info.st_mode & S_IFMT) == S_IFSOCK else { return "\(path) is not a socket" }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard path.utf8.count < capacity else { return "socket path \(path) is too long" }
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            buffer.copyBytes(from: path.utf8)
            buffer[path.utf8.count] = 0
        }
        var lastError = ""
        for type in [SOCK_DGRAM, SOCK_STREAM] {
            let fd = socket(AF_UNIX, Int32(type.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            guard fd >= 0 else { lastError = String(cString: strerror(errno)); continue }
            defer { close(fd) }
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
            }
            if connected == 0 { return nil }
            lastError = String(cString: strerror(errno))
        }
        return "local syslog socket \(path) accepts no connection (\(lastError))"
    }
}
