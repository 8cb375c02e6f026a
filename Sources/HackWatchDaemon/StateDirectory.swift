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

    package var description: String {
        switch self {
        case .notAFolder(let path): "state_dir \(path): exists and is not a folder"
        case .cannotCreate(let path, let reason): "state_dir \(path): cannot create it: \(reason)"
        case .database(let path, let reason): "\(path): \(reason)"
        case .inUse(let path, let pid):
            "state_dir \(path) is in use by another hackwatch\(pid.map { " (pid \($0))" } ?? ""); "
                + "one process at a time, or pending alerts could be sent twice"
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
        let lock = try StateDirectoryLock.acquire(stateDir)
        return (try openStore(path: StateStore.path(stateDir: stateDir)), lock)
    }

    /// Opens the database at `path`; errors name the file.
    package static func openStore(path: String) throws(StateDirectoryError) -> StateStore {
        do {
            return try StateStore(path: path)
        } catch {
            throw .database(path: path, reason: "\(error)")
        }
    }
}
