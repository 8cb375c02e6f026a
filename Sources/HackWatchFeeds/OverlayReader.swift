import Foundation
import HackWatchConfiguration
import HackWatchModel

/// Decodes the user-kept overlay files (exposure watchlists, attribution maps) like the config:
/// every problem collected with its JSON path, then reported at once as a `ConfigError`
/// (`exposure.json: $[2].kind: unknown kind 'brige'; did you mean 'bridge'?`).
struct OverlayReader {
    /// Problems so far, in document order.
    var problems: [ConfigProblem] = []

    mutating func report(_ path: String, _ message: String) {
        problems.append(ConfigProblem(path: path, message: message))
    }

    /// The file's bytes parsed as JSON, or a problem at `$`.
    static func document(path: String) throws(ConfigError) -> JSONValue {
        guard let data = FileManager.default.contents(atPath: path) else {
            let reason = FileManager.default.fileExists(atPath: path) ? "cannot read the file" : "no such file"
            throw ConfigError(file: path, problems: [ConfigProblem(path: "$", message: reason)])
        }
        let bytes = [UInt8](data)
        do throws(JSONParseError) {
            return try JSONValue.parse(bytes)
        } catch {
            var message = "invalid JSON: \(error.description)"
            if let offset = error.offset, offset <= bytes.count {
                let before = bytes[..<offset]
                let line = before.reduce(1) { $1 == UInt8(ascii: "\n") ? $0 + 1 : $0 }
                message += " (line \(line))"
            }
            throw ConfigError(file: path, problems: [ConfigProblem(path: "$", message: message)])
        }
    }

    static func key(_ path: String, _ name: String) -> String {
        let plain = !name.isEmpty && name.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_") }
        return plain ? "\(path).\(name)" : "\(path)['\(name.replacingOccurrences(of: "'", with: "\\'"))']"
    }

    mutating func rejectUnknownKeys(_ members: [String: JSONValue], known: [String], at path: String) {
        for key in members.keys.sorted() where !known.contains(key) {
            let hint = Suggest.nearest(key, in: known).map { "; did you mean '\($0)'?" } ?? ""
            report(Self.key(path, key), "unknown key '\(key)'\(hint)")
        }
    }

    /// A non-empty string, or nil (with a problem when present but wrong, or missing and required).
    mutating func string(_ members: [String: JSONValue], _ key: String, at path: String, required: Bool = false) -> String? {
        switch members[key] {
        case nil, .null?:
            if required { report(Self.key(path, key), "required key is missing") }
            return nil
        case .string(let text)?:
            let trimmed = FeedText.trimmed(text)
            if trimmed.isEmpty { report(Self.key(path, key), "must not be empty"); return nil }
            return trimmed
        case let other?:
            report(Self.key(path, key), "expected a string, got \(other.typeName)")
            return nil
        }
    }

    /// A list of non-empty strings; a single string counts as a one-element list. With
    /// `numbers`, integral numbers are accepted as their decimal text (DefiLlama ids).
    mutating func strings(_ members: [String: JSONValue], _ key: String, at path: String, numbers: Bool = false) -> [String] {
        func one(_ value: JSONValue, at path: String) -> String? {
            switch value {
            case .string(let text) where !FeedText.trimmed(text).isEmpty: return FeedText.trimmed(text)
            case .string: report(path, "must not be empty"); return nil
            case .number(let n) where numbers && n.isFinite && n == n.rounded() && abs(n) < 1e15: return String(Int64(n))
            default:
                report(path, "expected a string\(numbers ? " or an integer" : ""), got \(value.typeName)")
                return nil
            }
        }
        switch members[key] {
        case nil, .null?: return []
        case .array(let items)?:
            return items.enumerated().compactMap { index, item in one(item, at: "\(Self.key(path, key))[\(index)]") }
        case let value?:
            return one(value, at: Self.key(path, key)).map { [$0] } ?? []
        }
    }
}
