import Foundation

/// Why `state_dir` cannot hold the database. `description` is one line naming the folder.
public enum StateDirectoryError: Error, CustomStringConvertible, Equatable {
    /// Something other than a folder is at the path.
    case notAFolder(path: String)
    /// The folder is missing and could not be created (`reason`: the system's words).
    case cannotCreate(path: String, reason: String)

    public var description: String {
        switch self {
        case .notAFolder(let path): "state_dir \(path): exists and is not a folder"
        case .cannotCreate(let path, let reason): "state_dir \(path): cannot create it: \(reason)"
        }
    }
}

/// The folder of the state database, made ready before the database is opened.
public enum StateDirectory {
    /// Creates `path` (and missing parents) unless it is already a folder. Errors say which
    /// folder and why in plain words, not Foundation's NSError dump.
    public static func prepare(_ path: String) throws(StateDirectoryError) {
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
}
