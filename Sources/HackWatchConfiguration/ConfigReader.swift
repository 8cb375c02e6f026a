import Foundation
import HackWatchModel

/// Walks a parsed config document, collecting every problem instead of stopping at the first
/// (like Falco's loader): each accessor records what is wrong and returns nil, and the caller
/// carries on with a default so later keys are still checked.
struct ConfigReader {
    var problems: [ConfigProblem] = []
    /// Type-specific sink checks (`SinkFactory.validate` when the daemon loads; nil checks only the shared keys).
    var sinkValidator: (@Sendable (SinkConfig) -> [String])?
    /// Reading a feed to parse a saved body (`hackwatch test --preset`): nothing is fetched, so
    /// a preset's API key is not required.
    var offline = false

    mutating func report(_ path: ConfigPath, _ message: String) {
        problems.append(ConfigProblem(path: path.description, message: message))
    }

    /// "; did you mean 'x'?" or "".
    static func hint(_ word: String, among candidates: [String]) -> String {
        JSONMapping.suggestion(for: word, among: candidates).map { "; did you mean '\($0)'?" } ?? ""
    }

    /// A value that must be an object.
    mutating func object(_ value: JSONValue, at path: ConfigPath) -> [String: JSONValue]? {
        guard case .object(let members) = value else {
            report(path, "expected an object, got \(value.typeName)")
            return nil
        }
        return members
    }

    /// Reports every key of `members` that is not in `known`, with a did-you-mean.
    mutating func rejectUnknownKeys(_ members: [String: JSONValue], known: [String], at path: ConfigPath) {
        for key in members.keys.sorted() where !known.contains(key) {
            report(path.key(key), "unknown key '\(key)'\(Self.hint(key, among: known))")
        }
    }

    mutating func string(_ members: [String: JSONValue], _ key: String, at path: ConfigPath, required: Bool = false) -> String? {
        guard let value = members[key] else {
            if required { report(path.key(key), "required key is missing") }
            return nil
        }
        guard case .string(let text) = value else {
            report(path.key(key), "expected a string, got \(value.typeName)")
            return nil
        }
        guard !text.isEmpty else {
            report(path.key(key), "must not be empty")
            return nil
        }
        return text
    }

    mutating func bool(_ members: [String: JSONValue], _ key: String, at path: ConfigPath) -> Bool? {
        typed(members, key, expected: "true or false", at: path) { $0.boolValue }
    }

    mutating func number(_ members: [String: JSONValue], _ key: String, at path: ConfigPath) -> Double? {
        typed(members, key, expected: "a number", at: path) { $0.numberValue }
    }

    /// The value of an optional key when `extract` accepts it; a type error otherwise.
    private mutating func typed<T>(_ members: [String: JSONValue], _ key: String, expected: String, at path: ConfigPath,
                                   _ extract: (JSONValue) -> T?) -> T? {
        guard let value = members[key] else { return nil }
        guard let result = extract(value) else {
            report(path.key(key), "expected \(expected), got \(value.typeName)")
            return nil
        }
        return result
    }

    /// A positive whole number (byte counts).
    mutating func positiveInteger(_ members: [String: JSONValue], _ key: String, at path: ConfigPath) -> Int? {
        guard let number = number(members, key, at: path) else { return nil }
        guard number > 0, number == number.rounded(), number < 9.0e15 else {
            report(path.key(key), "expected a positive whole number, got \(Self.format(number))")
            return nil
        }
        return Int(number)
    }

    /// `"90s"`, `"5m"`, `"1h"`, `"7d"` or a number of seconds. `positive`: zero is refused too.
    mutating func duration(_ members: [String: JSONValue], _ key: String, at path: ConfigPath, positive: Bool = false) -> TimeSpan? {
        guard let value = members[key] else { return nil }
        let span: TimeSpan?
        switch value {
        case .string(let text): span = TimeSpan(parsing: text)
        case .number(let seconds): span = seconds >= 0 && seconds.isFinite ? TimeSpan(seconds: seconds) : nil
        default:
            report(path.key(key), "expected a duration (a string such as \"90s\", \"5m\", \"1h\", \"7d\" or a number of seconds), got \(value.typeName)")
            return nil
        }
        guard let span else {
            report(path.key(key), "invalid duration \(Self.quoted(value)); use a number with a unit s, m, h, d or w (\"90s\", \"5m\") or a number of seconds")
            return nil
        }
        if positive && span.seconds <= 0 {
            report(path.key(key), "must be longer than zero")
            return nil
        }
        return span
    }

    /// A string that must be one of `choices`.
    mutating func choice(_ members: [String: JSONValue], _ key: String, among choices: [String], what: String, at path: ConfigPath) -> String? {
        guard let text = string(members, key, at: path) else { return nil }
        guard choices.contains(text) else {
            report(path.key(key), "unknown \(what) '\(text)'\(Self.hint(text, among: choices)) (one of \(choices.joined(separator: ", ")))")
            return nil
        }
        return text
    }

    /// An object whose values are all strings (headers, mapping).
    mutating func stringMap(_ members: [String: JSONValue], _ key: String, at path: ConfigPath) -> [String: String]? {
        guard let value = members[key] else { return nil }
        guard let object = object(value, at: path.key(key)) else { return nil }
        var result: [String: String] = [:]
        for (name, item) in object.sorted(by: { $0.key < $1.key }) {
            guard case .string(let text) = item else {
                report(path.key(key).key(name), "expected a string, got \(item.typeName)")
                continue
            }
            result[name] = text
        }
        return result
    }

    static func quoted(_ value: JSONValue) -> String {
        switch value {
        case .string(let text): "\"\(text)\""
        case .number(let number): format(number)
        default: value.typeName
        }
    }

    static func format(_ number: Double) -> String {
        number == number.rounded() && abs(number) < 1e15 ? String(Int64(number)) : String(number)
    }
}
