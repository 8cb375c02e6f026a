import Foundation

/// Where a secret (webhook URL, token, signing key) comes from: `url`, `url_env` or `url_file`
/// (likewise `secret`, `secret_env`, `secret_file`). Never logged; `description` hides the value.
package enum SecretSource: Hashable, Sendable, CustomStringConvertible {
    /// The value written in the config file.
    case literal(String)
    /// The value of an environment variable.
    case environment(String)
    /// The contents of a file (trailing newline trimmed), e.g. under `$CREDENTIALS_DIRECTORY`.
    case file(String)

    /// Reads the secret now. Errors name the variable or file, never the value.
    package func resolve(environment: [String: String] = ProcessInfo.processInfo.environment) throws(SecretError) -> String {
        switch self {
        case .literal(let value):
            return value
        case .environment(let name):
            guard let value = environment[name], !value.isEmpty else { throw .missingEnvironment(name) }
            return value
        case .file(let path):
            let expanded = Self.expand(path, environment: environment)
            guard let data = FileManager.default.contents(atPath: expanded) else { throw .unreadableFile(expanded) }
            let value = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            guard !value.isEmpty else { throw .emptyFile(expanded) }
            return value
        }
    }

    /// Whether this is a file under `$CREDENTIALS_DIRECTORY` while that variable is unset: only
    /// systemd sets it (`LoadCredential=`), so outside the service the file cannot be looked at.
    package func needsCredentialsDirectory(environment: [String: String]) -> Bool {
        guard case .file(let path) = self, environment["CREDENTIALS_DIRECTORY"] == nil else { return false }
        return path.contains("$CREDENTIALS_DIRECTORY") || path.contains("${CREDENTIALS_DIRECTORY}")
    }

    /// `$CREDENTIALS_DIRECTORY/x` and `${CREDENTIALS_DIRECTORY}/x` expand from the environment.
    static func expand(_ path: String, environment: [String: String]) -> String {
        var result = path
        for (key, value) in environment where result.contains("$") {
            result = result.replacingOccurrences(of: "${\(key)}", with: value)
                .replacingOccurrences(of: "$\(key)", with: value)
        }
        return result
    }

    package var description: String {
        switch self {
        case .literal: "<secret>"
        case .environment(let name): "$\(name)"
        case .file(let path): "file \(path)"
        }
    }
}

/// Why a secret could not be read.
package enum SecretError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The environment variable is unset or empty.
    case missingEnvironment(String)
    /// The file does not exist or cannot be read.
    case unreadableFile(String)
    /// The file is empty.
    case emptyFile(String)

    package var description: String {
        switch self {
        case .missingEnvironment(let name): "environment variable \(name) is not set"
        case .unreadableFile(let path): "cannot read secret file \(path)"
        case .emptyFile(let path): "secret file \(path) is empty"
        }
    }
}
