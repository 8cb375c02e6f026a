import Foundation
import HackWatchStore

/// Why `state_dir` cannot hold the database. `description` is one line naming the folder.
package enum StateDirectoryError: Error, CustomStringConvertible, Equatable {
    /// Something other than a folder is at the path.
    case notAFolder(path: String)
    /// The folder is missing and could not be created (`reason`: the system's words).
    case cannotCreate(path: String, reason: String)
    /// The database file in it could not be opened (not a database, no permission, ...).
    case database(path: String, reason: String)
    /// Another hackwatch process (`pid`, when it wrote one) holds the folder's lock.
    case inUse(path: String, pid: Int32?)
    /// The database is corrupt, not writable, or empty where state existed (the store's words,
    /// which name the file and say what to do).
    case store(StoreError)

    package var description: String {
        switch self {
        case .notAFolder(let path): "state_dir \(path): exists and is not a folder"
        case .cannotCreate(let path, let reason): "state_dir \(path): cannot create it: \(reason)"
        case .database(let path, let reason): "\(path): \(reason)"
        case .inUse(let path, let pid):
            "state_dir \(path) is in use by another hackwatch\(pid.map { " (pid \($0))" } ?? ""); "
                + "one process at a time, or pending alerts could be sent twice"
        case .store(let error): error.description
        }
    }
}

/// The folder of the state database, made ready before the database is opened.
package enum StateDirectory {
    /// Creates `path` (and missing parents) unless it is already a folder. Errors say which
    /// folder and why in plain words, not Foundation's NSError dump.
    package static func prepare(_ path: String) throws(StateDirectoryError) {
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) {
            guard isFolder.boolValue else { throw .notAFolder(path: path) }
            return
        }
        // mkdir(2) per component rather than FileManager, whose errors lose errno's words.
        var prefix = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/") {
            prefix += "/" + component
            guard mkdir(prefix, 0o755) != 0 else { continue }
            let code = errno
            guard code == EEXIST else { throw .cannotCreate(path: path, reason: String(cString: strerror(code))) }
        }
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue else {
            throw .cannotCreate(path: path, reason: String(cString: strerror(ENOTDIR)))
        }
    }

    /// Prepares `stateDir`, takes its lock and opens its database; errors name the file
    /// (SQLite's own messages do not, and a user with several configs needs to know which one
    /// is broken). Keep the lock as long as the store is used.
    package static func openStore(_ stateDir: String) throws(StateDirectoryError) -> (store: StateStore, lock: StateDirectoryLock) {
        try prepare(stateDir)
        // A pid in hackwatch.lock, or a -wal file, shows the folder held state: an empty database
        // beside them is damage (a crash, a bad copy), not a first start.
        let pidFile = StateDirectoryLock.path(stateDir: stateDir)
        let dbPath = StateStore.path(stateDir: stateDir)
        let ranBefore = fileSize(pidFile) ?? 0 > 0 || fileSize(dbPath + "-wal") != nil
        let lock = try StateDirectoryLock.acquire(stateDir)
        return (try openStore(path: dbPath, requireSchema: ranBefore && fileSize(dbPath) != nil), lock)
    }

    /// Opens the database at `path`; errors name the file. `readOnly` writes nothing (`status`).
    package static func openStore(path: String, readOnly: Bool = false,
                                  requireSchema: Bool = false) throws(StateDirectoryError) -> StateStore {
        do {
            return try StateStore(path: path, readOnly: readOnly, requireSchema: requireSchema)
        } catch {
            switch error {
            case .corrupt, .notWritable, .noSchema: throw .store(error)
            default: throw .database(path: path, reason: "\(error)")
            }
        }
    }

    private static func fileSize(_ path: String) -> Int? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return Int(info.st_size)
    }

    /// What `check` can tell about `path` without taking it over: a folder (or creatable), one
    /// this user can create files in, and a database there (if any) that opens. Empty when fine.
    package static func problems(_ path: String) -> [String] {
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) {
            guard isFolder.boolValue else { return [StateDirectoryError.notAFolder(path: path).description] }
        } else {
            var parent = (path as NSString).deletingLastPathComponent
            while !parent.isEmpty, !FileManager.default.fileExists(atPath: parent) { parent = (parent as NSString).deletingLastPathComponent }
            if parent.isEmpty { parent = "." }
            guard access(parent, W_OK) == 0 else {
                return [StateDirectoryError.cannotCreate(path: path, reason: String(cString: strerror(errno))).description]
            }
            return []
        }
        // A real create, not access(2): root passes access() on a read-only mount or immutable folder.
        let probe = (path as NSString).appendingPathComponent(".hackwatch-check-\(getpid())")
        let fd = open(probe, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return ["state_dir \(path): cannot create files in it: \(String(cString: strerror(errno)))"] }
        close(fd)
        unlink(probe)
        let db = StateStore.path(stateDir: path)
        guard fileSize(db) ?? 0 > 0 else { return [] }
        do {
            let store = try openStore(path: db, readOnly: true)
            store.close()
        } catch {
            return ["\(error)"]
        }
        return []
    }
}
