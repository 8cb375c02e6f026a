import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// An exclusive `flock(2)` on `state_dir/hackwatch.lock`, held for the life of a `run` or a
/// `once`: two processes draining one outbox could both send the same pending delivery.
/// (Prometheus and Alertmanager lock their data folders the same way.) The kernel releases the
/// lock when the process exits, however it exits; `status` and `once --dry-run` only read and
/// take no lock.
package final class StateDirectoryLock: @unchecked Sendable {
    private let fd: Int32

    /// The lock file's path for `stateDir`.
    package static func path(stateDir: String) -> String {
        (stateDir as NSString).appendingPathComponent("hackwatch.lock")
    }

    private init(fd: Int32) { self.fd = fd }

    deinit { close(fd) }

    /// Takes the lock without waiting, writing our pid into the file for the next one to name.
    package static func acquire(_ stateDir: String) throws(StateDirectoryError) -> StateDirectoryLock {
        let path = path(stateDir: stateDir)
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .database(path: path, reason: String(cString: strerror(errno))) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let code = errno
            let holder = readPID(fd)
            close(fd)
            guard code == EWOULDBLOCK else { throw .database(path: path, reason: String(cString: strerror(code))) }
            throw .inUse(path: stateDir, pid: holder)
        }
        let pid = Array("\(getpid())\n".utf8)
        _ = ftruncate(fd, 0)
        _ = pid.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
        return StateDirectoryLock(fd: fd)
    }

    private static func readPID(_ fd: Int32) -> Int32? {
        var buffer = [UInt8](repeating: 0, count: 32)
        let count = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return nil }
        return Int32(String(decoding: buffer[..<count], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }
}
