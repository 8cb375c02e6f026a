import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// An exclusive `flock(2)` on the `state_dir` folder itself, held for the life of a `run` or a
/// `once`: two processes draining one outbox could both send the same pending delivery.
/// (Prometheus and Alertmanager lock their data folders the same way.) The folder is locked
/// rather than `hackwatch.lock` because a file can be unlinked from under a live daemon (a
/// tmpfiles clean-up, an admin) and the next process would lock a new file; a folder that holds
/// the database cannot be. `hackwatch.lock` still carries the holder's pid for the message. The
/// kernel releases the lock when the process exits, however it exits; `status` and
/// `once --dry-run` only read and take no lock.
package final class StateDirectoryLock: @unchecked Sendable {
    private let folderFD: Int32

    /// The pid file's path for `stateDir`.
    package static func path(stateDir: String) -> String {
        (stateDir as NSString).appendingPathComponent("hackwatch.lock")
    }

    private init(folderFD: Int32) { self.folderFD = folderFD }

    deinit { close(folderFD) }

    /// Takes the lock without waiting, writing our pid into `hackwatch.lock` for the next one to name.
    package static func acquire(_ stateDir: String) throws(StateDirectoryError) -> StateDirectoryLock {
        let folder = open(stateDir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard folder >= 0 else { throw .database(path: stateDir, reason: String(cString: strerror(errno))) }
        guard flock(folder, LOCK_EX | LOCK_NB) == 0 else {
            let code = errno
            close(folder)
            guard code == EWOULDBLOCK else { throw .database(path: stateDir, reason: String(cString: strerror(code))) }
            throw .inUse(path: stateDir, pid: readPID(path(stateDir: stateDir)))
        }
        let path = path(stateDir: stateDir)
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            let reason = String(cString: strerror(errno))
            close(folder)
            throw .database(path: path, reason: reason)
        }
        let pid = Array("\(getpid())\n".utf8)
        _ = ftruncate(fd, 0)
        _ = pid.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
        close(fd)
        return StateDirectoryLock(folderFD: folder)
    }

    private static func readPID(_ path: String) -> Int32? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        return Int32(text.trimmingCharacters(in: .whitespacesAndNewlines))
    }
}
