/// One thing wrong with a config file, located by its JSON path (`$.sinks[2].url_env`).
package struct ConfigProblem: Hashable, Sendable, CustomStringConvertible {
    /// Where: `$` for the whole document, else a JSONPath such as `$.feeds[0].interval`.
    package var path: String
    /// What is wrong, without any secret value.
    package var message: String

    /// Creates a problem at `path`.
    package init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    /// `$.feeds[0].interval: expected a duration ...`
    package var description: String { "\(path): \(message)" }
}

/// A config file that cannot be used: every problem found, in document-walk order.
package struct ConfigError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The config file's path as given, prefixed to each rendered line.
    package var file: String
    /// All problems; never empty.
    package var problems: [ConfigProblem]

    /// Creates an error for `file`.
    package init(file: String, problems: [ConfigProblem]) {
        self.file = file
        self.problems = problems
    }

    /// One line per problem: `config.json: $.sinks[2].type: unknown sink type 'slak'; did you mean 'slack'?`
    package var description: String {
        problems.map { "\(file): \($0.path): \($0.message)" }.joined(separator: "\n")
    }
}

/// A JSONPath under construction; object keys that are not plain words are bracket-quoted.
struct ConfigPath: Hashable, Sendable, CustomStringConvertible {
    var description: String

    static let root = ConfigPath(description: "$")

    func key(_ name: String) -> ConfigPath {
        let plain = !name.isEmpty && name.unicodeScalars.allSatisfy {
            ($0.isASCII && ($0.properties.isAlphabetic || $0.properties.numericType != nil)) || $0 == "_" || $0 == "-"
        }
        if plain { return ConfigPath(description: "\(description).\(name)") }
        let escaped = name.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'")
        return ConfigPath(description: "\(description)['\(escaped)']")
    }

    func index(_ i: Int) -> ConfigPath { ConfigPath(description: "\(description)[\(i)]") }

    /// Appends a dotted relative path such as `mapping.name` (from `JSONMapping.validate`).
    func dotted(_ relative: String) -> ConfigPath {
        relative.split(separator: ".", omittingEmptySubsequences: false).reduce(self) { $0.key(String($1)) }
    }
}
